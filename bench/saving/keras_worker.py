"""Keras's half of `npm run bench -- saving`: one operation on the 29.4M-parameter Dense model, in this
fresh process. The same operation on a tiny model runs first, so one-time library start-up is not
counted. Prints {"version", "parameters", "ms", "peak_mb"} as JSON: milliseconds, and the peak RSS
above the RSS before the operation (VmHWM, reset through /proc/self/clear_refs).
Usage: python keras_worker.py DIRECTORY OPERATION"""
import json, os, sys, time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np
import tensorflow as tf
import keras

directory, operation = sys.argv[1], sys.argv[2]


def rss_mb(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def dense_model(widths):
    model = keras.Sequential([keras.Input((widths[0],))] + [keras.layers.Dense(width) for width in widths[1:]])
    model(np.zeros((1, widths[0]), "float32"))
    return model


def operations(prefix, widths):
    """name -> (needs a model, body(model)); files are named by `prefix` so the tiny warm-up uses its own."""
    path = lambda name: os.path.join(directory, prefix + name)
    checkpoint = lambda model: tf.train.Checkpoint(model=model)
    return {
        "save .keras": (True, lambda model: model.save(path("keras.keras"))),
        "load .keras": (False, lambda model: keras.saving.load_model(path("keras.keras"))),
        "save .h5": (True, lambda model: model.save(path("keras.h5"))),
        "load .h5": (False, lambda model: keras.saving.load_model(path("keras.h5"))),
        "save_weights .weights.h5": (True, lambda model: model.save_weights(path("keras.weights.h5"))),
        "load_weights .weights.h5": (True, lambda model: model.load_weights(path("keras.weights.h5"))),
        "TF checkpoint save": (True, lambda model: checkpoint(model).write(path("keras-ckpt/ckpt"))),
        "TF checkpoint restore": (True, lambda model: checkpoint(model).read(path("keras-ckpt/ckpt")).assert_consumed()),
    }


# Warm-up: the tiny model's save (so a load has a file) and the operation itself.
tiny = dense_model([4, 3, 2])
tiny_operations = operations("tiny-", None)
saver = {"load .keras": "save .keras", "load .h5": "save .h5", "load_weights .weights.h5": "save_weights .weights.h5", "TF checkpoint restore": "TF checkpoint save"}.get(operation)
if saver:
    tiny_operations[saver][1](tiny)
tiny_operations[operation][1](tiny)

needs_model, body = operations("", None)[operation]
model = dense_model([2048, 4096, 4096, 1024]) if needs_model else None
with open("/proc/self/clear_refs", "w") as clear:
    clear.write("5")  # resets VmHWM to the current RSS
before = rss_mb("VmRSS")
started = time.perf_counter()
result = body(model)
elapsed = (time.perf_counter() - started) * 1000
peak = rss_mb("VmHWM") - before
print(json.dumps({"version": f"Keras {keras.__version__} / TF {tf.__version__}", "ms": elapsed, "peak_mb": peak}))
