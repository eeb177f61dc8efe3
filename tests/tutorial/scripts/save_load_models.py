# The "Save and Load the Model" page with a torchvision model, and an ONNX export checked with
# onnxruntime when it is installed.
import importlib.util

import torch
import torchvision.models as models

model = models.resnet18()
model.eval()
torch.save(model.state_dict(), "model_weights.pth")

model2 = models.resnet18()
model2.load_state_dict(torch.load("model_weights.pth", weights_only=True))
model2.eval()
x = torch.rand(1, 3, 64, 64)
with torch.no_grad():
    y = model(x)
    print(y.shape, torch.equal(y, model2(x)))

torch.save(model, "model.pth")
model3 = torch.load("model.pth", weights_only=False)
with torch.no_grad():
    print(type(model3).__name__, torch.equal(model3(x), y))

if importlib.util.find_spec("onnx") is not None:
    import onnx

    small = torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3, padding=1), torch.nn.ReLU(),
                                torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(),
                                torch.nn.Linear(8, 10))
    small.eval()
    inp = torch.rand(2, 3, 16, 16)
    torch.onnx.export(small, (inp,), "model.onnx", input_names=["input"],
                      output_names=["logits"], dynamic_axes={"input": {0: "batch"}})
    proto = onnx.load("model.onnx")
    onnx.checker.check_model(proto)
    print("onnx inputs:", [i.name for i in proto.graph.input])
    if importlib.util.find_spec("onnxruntime") is not None:
        import numpy as np
        import onnxruntime as ort

        sess = ort.InferenceSession("model.onnx")
        batch = torch.rand(5, 3, 16, 16)
        (got,) = sess.run(None, {"input": batch.numpy()})
        with torch.no_grad():
            want = small(batch).numpy()
        print("onnxruntime matches:", got.shape, bool(np.allclose(got, want, atol=1e-5)))
