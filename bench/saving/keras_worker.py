"""Keras's half of `npm run bench -- saving`: times save/load of the 29.4M-parameter Dense model in every
format, with the peak RSS each operation adds over the RSS before it (VmHWM, reset through
/proc/self/clear_refs). Prints {"version", "operations": {name: {"ms", "peak_mb"}}} as JSON.
Usage: python keras_worker.py DIRECTORY"""
import json, os, sys, time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np
import tensorflow as tf
import keras

directory = sys.argv[1]


def rss_mb(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def measure(body):
    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")  # resets VmHWM to the current RSS
    before = rss_mb("VmRSS")
    started = time.perf_counter()
    body()
    elapsed = (time.perf_counter() - started) * 1000
    return {"ms": elapsed, "peak_mb": rss_mb("VmHWM") - before}


model = keras.Sequential([keras.Input((2048,)), keras.layers.Dense(4096), keras.layers.Dense(4096), keras.layers.Dense(1024)])
model(np.zeros((1, 2048), "float32"))
path = lambda name: os.path.join(directory, name)
operations = {}
operations["save .keras"] = measure(lambda: model.save(path("keras.keras")))
operations["load .keras"] = measure(lambda: keras.saving.load_model(path("keras.keras")))
operations["save .h5"] = measure(lambda: model.save(path("keras.h5")))
operations["load .h5"] = measure(lambda: keras.saving.load_model(path("keras.h5")))
operations["save_weights .weights.h5"] = measure(lambda: model.save_weights(path("keras.weights.h5")))
operations["load_weights .weights.h5"] = measure(lambda: model.load_weights(path("keras.weights.h5")))
checkpoint = tf.train.Checkpoint(model=model)
operations["TF checkpoint save"] = measure(lambda: checkpoint.write(path("keras-ckpt/ckpt")))
operations["TF checkpoint restore"] = measure(lambda: checkpoint.read(path("keras-ckpt/ckpt")).assert_consumed())
print(json.dumps({"version": f"Keras {keras.__version__} / TF {tf.__version__}", "parameters": model.count_params(), "operations": operations}))
