"""``SummaryWriter``: TensorBoard event files, as ``torch.utils.tensorboard.SummaryWriter``.

Files are named ``events.out.tfevents.<time>.<host>.<pid>.<n><suffix>`` and start with a
``brain.Event:2`` file-version event. Events are queued and written by a background thread
(at most ``max_queue`` pending; flushed every ``flush_secs`` and on ``flush``/``close``), as
TensorBoard's ``EventFileWriter`` that PyTorch uses.
"""

from __future__ import annotations

import atexit
import itertools
import math
import os
import queue
import socket
import threading
import time
import weakref

import numpy as np

from . import _summary as S
from ._record import frame_record

__all__ = ["FileWriter", "SummaryWriter"]

_file_uid = itertools.count()
_open_writers: weakref.WeakSet = weakref.WeakSet()
_atexit_registered = False


def _close_open_writers() -> None:
    for w in list(_open_writers):
        try:
            w.close()
        except Exception:  # noqa: BLE001 - best effort at interpreter exit
            pass


class _EventFileWriter:
    """One event file fed by a queue and a daemon writer thread."""

    def __init__(self, logdir: str, max_queue: int = 10, flush_secs: float = 120,
                 filename_suffix: str = "") -> None:
        global _atexit_registered
        self._logdir = logdir
        os.makedirs(logdir, exist_ok=True)
        name = "events.out.tfevents.%010d.%s.%s.%s" % (  # noqa: UP031 - %010d of a float
            time.time(), socket.gethostname(), os.getpid(), next(_file_uid))
        self._path = os.path.join(logdir, name + filename_suffix)
        self._file = open(self._path, "wb")  # noqa: SIM115 - closed by close()
        self._queue: queue.Queue = queue.Queue(max(int(max_queue), 0))
        self._flush_secs = flush_secs
        self._lock = threading.Lock()
        self._closed = False
        self._error: BaseException | None = None
        self._stop = object()
        self._thread = threading.Thread(target=self._run, name="numtorch-tensorboard",
                                        daemon=True)
        self._thread.start()
        if not _atexit_registered:
            atexit.register(_close_open_writers)
            _atexit_registered = True
        _open_writers.add(self)
        self.add_event(S.event(time.time(), file_version="brain.Event:2",
                               source_writer="numtorch.utils.tensorboard"))
        self.flush()

    @property
    def path(self) -> str:
        return self._path

    def get_logdir(self) -> str:
        return self._logdir

    def _run(self) -> None:
        next_flush = 0.0  # the first data is flushed at once
        pending = False
        try:
            while True:
                wait = next_flush - time.time()
                try:
                    item = self._queue.get(True, wait) if wait > 0 else self._queue.get(False)
                except queue.Empty:
                    item = None
                if item is self._stop:
                    self._queue.task_done()
                    return
                if item is not None:
                    try:
                        self._file.write(frame_record(item))
                        pending = True
                    finally:
                        self._queue.task_done()
                now = time.time()
                if now > next_flush:
                    if pending:
                        self._file.flush()
                        pending = False
                    next_flush = now + self._flush_secs
        except BaseException as exc:  # surfaced on the next add/flush
            self._error = exc
            while True:  # unblock producers waiting on a full queue
                try:
                    self._queue.get(False)
                    self._queue.task_done()
                except queue.Empty:
                    break

    def _check(self) -> None:
        if self._error is not None:
            raise self._error
        if self._closed:
            raise OSError("Writer is closed")

    def add_event(self, event_bytes: bytes) -> None:
        with self._lock:
            self._check()
            self._queue.put(event_bytes)

    def flush(self) -> None:
        with self._lock:
            self._check()
            self._queue.join()
            self._file.flush()
            self._check()

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            if self._error is None:
                self._queue.put(self._stop)
                self._thread.join()
            self._file.flush()
            self._file.close()
        _open_writers.discard(self)


class FileWriter:
    """Writes Summary and graph events to one event file, as PyTorch's ``FileWriter``."""

    def __init__(self, log_dir, max_queue: int = 10, flush_secs: float = 120,
                 filename_suffix: str = "") -> None:
        self._args = (str(log_dir), max_queue, flush_secs, filename_suffix)
        self.event_writer = _EventFileWriter(*self._args)

    def get_logdir(self) -> str:
        return self.event_writer.get_logdir()

    def add_event(self, event_bytes: bytes) -> None:
        """Queue one serialized ``Event``."""
        self.event_writer.add_event(event_bytes)

    def add_summary(self, summary: bytes, global_step=None, walltime=None) -> None:
        """Wrap serialized ``Summary`` bytes in an ``Event`` stamped with step and wall time."""
        self.add_event(S.event(time.time() if walltime is None else walltime,
                               None if global_step is None else int(global_step),
                               summary=summary))

    def add_graph(self, graph_profile: tuple[bytes, bytes], walltime=None) -> None:
        """A ``GraphDef`` event and its ``step1`` run-metadata event."""
        graph_def, run_metadata = graph_profile
        wall = time.time() if walltime is None else walltime
        self.add_event(S.event(wall, graph_def=graph_def))
        trm = S.P.f_bytes(1, "step1") + S.P.f_bytes(2, run_metadata)
        self.add_event(S.event(wall, tagged_run_metadata=trm))

    def flush(self) -> None:
        self.event_writer.flush()

    def close(self) -> None:
        self.event_writer.close()

    def reopen(self) -> None:
        """Start a new event file in the same directory if this one was closed."""
        if self.event_writer._closed:
            self.event_writer = _EventFileWriter(*self._args)


def _encode_tag(tag: str) -> str:
    return tag.replace("%", "%25").replace("/", "%2f").replace("\\", "%5c")


def _pbtxt_string(s: str) -> str:
    """A quoted protobuf text-format string (C escapes; UTF-8 kept)."""
    out = []
    for ch in s:
        esc = {"\n": "\\n", "\r": "\\r", "\t": "\\t", '"': '\\"', "'": "\\'", "\\": "\\\\"}
        if ch in esc:
            out.append(esc[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append("\\%03o" % ord(ch))  # noqa: UP031
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


class SummaryWriter:
    """Writes entries to event files in ``log_dir`` for TensorBoard to read.

    Matches ``torch.utils.tensorboard.SummaryWriter``: default ``log_dir`` is
    ``runs/<Mon><DD>_<HH>-<MM>-<SS>_<hostname><comment>``; ``add_scalars`` writes one sub-run
    per key; ``add_hparams`` writes a sub-run named ``run_name`` (default: the time).
    """

    def __init__(self, log_dir=None, comment: str = "", purge_step: int | None = None,
                 max_queue: int = 10, flush_secs: float = 120,
                 filename_suffix: str = "") -> None:
        if not log_dir:
            from datetime import datetime

            stamp = datetime.now().strftime("%b%d_%H-%M-%S")
            log_dir = os.path.join("runs", stamp + "_" + socket.gethostname() + comment)
        self.log_dir = log_dir
        self.purge_step = purge_step
        self.max_queue = max_queue
        self.flush_secs = flush_secs
        self.filename_suffix = filename_suffix
        self.file_writer: FileWriter | None = None
        self.all_writers: dict[str, FileWriter] | None = None
        self._get_file_writer()
        self.default_bins = S.default_bins()

    def _get_file_writer(self) -> FileWriter:
        """The default FileWriter, recreated (in a new file) after ``close``."""
        if self.all_writers is None or self.file_writer is None:
            self.file_writer = FileWriter(self.log_dir, self.max_queue, self.flush_secs,
                                          self.filename_suffix)
            self.all_writers = {self.file_writer.get_logdir(): self.file_writer}
            if self.purge_step is not None:
                step = self.purge_step
                now = time.time()
                self.file_writer.add_event(S.event(now, step, file_version="brain.Event:2"))
                self.file_writer.add_event(S.event(now, step, session_log_status=1))  # START
                self.purge_step = None
        return self.file_writer

    def get_logdir(self) -> str:
        """The directory event files are written to."""
        return self.log_dir

    def _add(self, summary: bytes, global_step=None, walltime=None) -> None:
        self._get_file_writer().add_summary(summary, global_step, walltime)

    # -- scalars and tensors --------------------------------------------------------------------
    def add_scalar(self, tag: str, scalar_value, global_step=None, walltime=None,
                   new_style: bool = False, double_precision: bool = False) -> None:
        """One scalar (Python number, 1-element array or tensor)."""
        self._add(S.scalar(tag, scalar_value, new_style=new_style,
                           double_precision=double_precision), global_step, walltime)

    def add_scalars(self, main_tag: str, tag_scalar_dict: dict, global_step=None,
                    walltime=None) -> None:
        """Several scalars in one chart: each key goes to run ``<log_dir>/<main_tag>_<key>``."""
        walltime = time.time() if walltime is None else walltime
        logdir = self._get_file_writer().get_logdir()
        for tag, value in tag_scalar_dict.items():
            sub = logdir + "/" + main_tag.replace("/", "_") + "_" + tag
            fw = self.all_writers.get(sub)
            if fw is None:
                fw = FileWriter(sub, self.max_queue, self.flush_secs, self.filename_suffix)
                self.all_writers[sub] = fw
            fw.add_summary(S.scalar(main_tag, value), global_step, walltime)

    def add_tensor(self, tag: str, tensor, global_step=None, walltime=None) -> None:
        """A whole tensor (``tensor`` plugin)."""
        self._add(S.tensor_summary(tag, tensor), global_step, walltime)

    def add_text(self, tag: str, text_string: str, global_step=None, walltime=None) -> None:
        self._add(S.text(tag, text_string), global_step, walltime)

    # -- histograms -----------------------------------------------------------------------------
    def add_histogram(self, tag: str, values, global_step=None, bins="tensorflow",
                      walltime=None, max_bins: int | None = None) -> None:
        """Histogram of ``values``; ``bins='tensorflow'`` uses TensorFlow's exponential edges,
        other values go to ``numpy.histogram``."""
        if isinstance(bins, str) and bins == "tensorflow":
            bins = self.default_bins
        self._add(S.histogram(tag, values, bins, max_bins=max_bins), global_step, walltime)

    def add_histogram_raw(self, tag: str, min, max, num, sum, sum_squares, bucket_limits,
                          bucket_counts, global_step=None, walltime=None) -> None:
        if len(bucket_limits) != len(bucket_counts):
            raise ValueError("len(bucket_limits) != len(bucket_counts), see the document.")
        self._add(S.histogram_raw(tag, min, max, num, sum, sum_squares, bucket_limits,
                                  bucket_counts), global_step, walltime)

    # -- images, figures, audio -----------------------------------------------------------------
    def add_image(self, tag: str, img_tensor, global_step=None, walltime=None,
                  dataformats: str = "CHW") -> None:
        """An image (uint8 in [0, 255] or float in [0, 1]), PNG-encoded."""
        self._add(S.image(tag, img_tensor, dataformats=dataformats), global_step, walltime)

    def add_images(self, tag: str, img_tensor, global_step=None, walltime=None,
                   dataformats: str = "NCHW") -> None:
        """A batch of images, tiled 8 per row into one image."""
        self._add(S.image(tag, img_tensor, dataformats=dataformats), global_step, walltime)

    def add_figure(self, tag: str, figure, global_step=None, close: bool = True,
                   walltime=None) -> None:
        """Render a matplotlib figure (or a list of them) and add it as an image."""
        fmt = "NCHW" if isinstance(figure, list) else "CHW"
        self.add_image(tag, S.figure_to_image(figure, close), global_step, walltime,
                       dataformats=fmt)

    def add_audio(self, tag: str, snd_tensor, global_step=None, sample_rate: int = 44100,
                  walltime=None) -> None:
        self._add(S.audio(tag, snd_tensor, sample_rate=sample_rate), global_step, walltime)

    # -- hparams, PR curves, custom scalars -----------------------------------------------------
    def add_hparams(self, hparam_dict: dict, metric_dict: dict, hparam_domain_discrete=None,
                    run_name: str | None = None, global_step=None) -> None:
        """Hyperparameters and their metrics, in sub-run ``run_name`` (hparams plugin)."""
        if type(hparam_dict) is not dict or type(metric_dict) is not dict:
            raise TypeError("hparam_dict and metric_dict should be dictionary.")
        exp, ssi, sei = S.hparams(hparam_dict, metric_dict, hparam_domain_discrete)
        if not run_name:
            run_name = str(time.time())
        logdir = os.path.join(self._get_file_writer().get_logdir(), run_name)
        with SummaryWriter(log_dir=logdir) as w:
            for s in (exp, ssi, sei):
                w.file_writer.add_summary(s, global_step)
            for k, v in metric_dict.items():
                w.add_scalar(k, v, global_step)

    def add_pr_curve(self, tag: str, labels, predictions, global_step=None,
                     num_thresholds: int = 127, weights=None, walltime=None) -> None:
        self._add(S.pr_curve(tag, labels, predictions, num_thresholds, weights),
                  global_step, walltime)

    def add_pr_curve_raw(self, tag: str, true_positive_counts, false_positive_counts,
                         true_negative_counts, false_negative_counts, precision, recall,
                         global_step=None, num_thresholds: int = 127, weights=None,
                         walltime=None) -> None:
        self._add(S.pr_curve_raw(tag, true_positive_counts, false_positive_counts,
                                 true_negative_counts, false_negative_counts, precision,
                                 recall, num_thresholds), global_step, walltime)

    def add_custom_scalars(self, layout: dict) -> None:
        """``{category: {chart: ['Multiline'|'Margin', [tags]]}}`` for the custom-scalars tab."""
        self._add(S.custom_scalars(layout))

    def add_custom_scalars_multilinechart(self, tags, category: str = "default",
                                          title: str = "untitled") -> None:
        self.add_custom_scalars({category: {title: ["Multiline", tags]}})

    def add_custom_scalars_marginchart(self, tags, category: str = "default",
                                       title: str = "untitled") -> None:
        if len(tags) != 3:
            raise AssertionError(f"Expected 3 tags, got {len(tags)}.")
        self.add_custom_scalars({category: {title: ["Margin", tags]}})

    # -- graph and embeddings -------------------------------------------------------------------
    def add_graph(self, model, input_to_model=None, verbose: bool = False,
                  use_strict_trace: bool = True) -> None:
        """The model's graph: one forward pass, its autograd graph grouped by module scope."""
        self._get_file_writer().add_graph(S.graph(model, input_to_model, verbose))

    def add_embedding(self, mat, metadata=None, label_img=None, global_step=None,
                      tag: str = "default", metadata_header=None) -> None:
        """Projector data: ``<step>/<tag>/tensors.tsv`` (+ metadata.tsv, sprite.png) and
        ``projector_config.pbtxt`` in the log dir."""
        mat = S.make_np(mat)
        if global_step is None:
            global_step = 0
        subdir = f"{str(global_step).zfill(5)}/{_encode_tag(tag)}"
        logdir = self._get_file_writer().get_logdir()
        save_path = os.path.join(logdir, subdir)
        if os.path.exists(save_path):
            if os.path.isdir(save_path):
                print("warning: Embedding dir exists, did you set global_step for "
                      "add_embedding()?")
            else:
                raise NotADirectoryError(
                    f"Path: `{save_path}` exists, but is a file. Cannot proceed.")
        else:
            os.makedirs(save_path)
        entry = [f"  tensor_name: {_pbtxt_string(f'{tag}:{str(global_step).zfill(5)}')}"]
        if metadata is not None:
            if mat.shape[0] != len(metadata):
                raise AssertionError("#labels should equal with #data points")
            _write_metadata(metadata, save_path, metadata_header)
            path = os.path.join(subdir, "metadata.tsv")
            entry.append(f"  metadata_path: {_pbtxt_string(path)}")
        if label_img is not None:
            label_np = S.make_np(label_img)
            if mat.shape[0] != label_np.shape[0]:
                raise AssertionError("#images should equal with #data points")
            _write_sprite(label_np, save_path)
            path = os.path.join(subdir, "sprite.png")
            entry += ["  sprite {", f"    image_path: {_pbtxt_string(path)}",
                      f"    single_image_dim: {label_np.shape[3]}",
                      f"    single_image_dim: {label_np.shape[2]}", "  }"]
        if mat.ndim != 2:
            raise AssertionError(
                "mat should be 2D, where mat.size(0) is the number of data points")
        with open(os.path.join(save_path, "tensors.tsv"), "wb") as f:
            for row in mat.tolist():
                f.write(("\t".join(str(v) for v in row) + "\n").encode("utf-8"))
        entry.append(f"  tensor_path: {_pbtxt_string(os.path.join(subdir, 'tensors.tsv'))}")
        if not hasattr(self, "_projector_entries"):
            self._projector_entries: list[str] = []
        self._projector_entries.append("embeddings {\n" + "\n".join(entry) + "\n}\n")
        with open(os.path.join(logdir, "projector_config.pbtxt"), "wb") as f:
            f.write("".join(self._projector_entries).encode("utf-8"))

    # -- lifetime -------------------------------------------------------------------------------
    def flush(self) -> None:
        """Write everything queued so far to disk."""
        if self.all_writers is None:
            return
        for w in self.all_writers.values():
            w.flush()

    def close(self) -> None:
        """Flush and close every event file (a later ``add_*`` opens a new file)."""
        if self.all_writers is None:
            return
        for w in self.all_writers.values():
            w.flush()
            w.close()
        self.file_writer = self.all_writers = None

    def __enter__(self) -> SummaryWriter:
        return self

    def __exit__(self, exc_type, exc_val, exc_tb) -> None:
        self.close()


def _write_metadata(metadata, save_path: str, header) -> None:
    if not header:
        lines = [str(x) for x in metadata]
    else:
        if len(header) != len(metadata[0]):
            raise AssertionError(
                "len of header must be equal to the number of columns in metadata")
        lines = ["\t".join(str(e) for e in row) for row in [header] + list(metadata)]
    with open(os.path.join(save_path, "metadata.tsv"), "wb") as f:
        f.write(("\n".join(lines) + "\n").encode("utf-8"))


def _write_sprite(label_img: np.ndarray, save_path: str) -> None:
    """Tile the label images into a square sprite sheet (row-major), as PyTorch does."""
    nrow = math.ceil(label_img.shape[0] ** 0.5)
    grid = S.make_grid(label_img, ncols=nrow).transpose(1, 2, 0)
    side = grid.shape[1]
    square = np.zeros((side, side, 3))
    square[:grid.shape[0]] = grid
    with open(os.path.join(save_path, "sprite.png"), "wb") as f:
        f.write(S.encode_png(np.uint8((square * 255).clip(0, 255))))
