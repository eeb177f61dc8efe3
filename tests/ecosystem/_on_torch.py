"""Run an ecosystem script on real torch: ``python _on_torch.py SCRIPT ARGS...``.

torchvision's compiled operators may not match the installed torch; the scripts use only its
Python parts, so its fake-kernel registrations for those operators are skipped.
"""

import os
import runpy
import sys
import types

sys.modules["torchvision._meta_registrations"] = types.ModuleType(
    "torchvision._meta_registrations")
script = os.path.abspath(sys.argv[1])
sys.argv = sys.argv[1:]
sys.path[0] = os.path.dirname(script)
runpy.run_path(script, run_name="__main__")
