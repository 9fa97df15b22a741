"""One engine of `npm run bench -- training`: Keras/TensorFlow model.fit of the MLP or CNN with one
intra-op and one inter-op thread; prints {"version", "rates": samples/s per epoch} as JSON.
Usage: python keras_worker.py mlp|cnn SAMPLES EPOCHS THREADS"""
import json, os, sys, time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
model_name, samples, epochs, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
import numpy as np
import tensorflow as tf
import keras

tf.config.threading.set_intra_op_parallelism_threads(threads)
tf.config.threading.set_inter_op_parallelism_threads(threads)

if model_name == "cnn":
    layers = [keras.Input((28, 28, 1)), keras.layers.Conv2D(32, 3, activation="relu"), keras.layers.MaxPooling2D(),
              keras.layers.Flatten(), keras.layers.Dense(10)]
    x = np.random.rand(samples, 28, 28, 1).astype("float32")
else:
    layers = [keras.Input((784,)), keras.layers.Dense(512, activation="relu"), keras.layers.Dropout(0.2), keras.layers.Dense(10)]
    x = np.random.rand(samples, 784).astype("float32")
y = np.random.randint(0, 10, samples)
model = keras.Sequential(layers)
model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
model.fit(x[:256], y[:256], epochs=1, batch_size=32, verbose=0)  # warm-up (traces the train step)


class EpochTimer(keras.callbacks.Callback):
    rates = []
    cpu_rates = []  # per second of this process's CPU time: what a shared machine's load does not change

    def on_epoch_begin(self, epoch, logs=None):
        self.started, self.cpu_started = time.perf_counter(), time.process_time()

    def on_epoch_end(self, epoch, logs=None):
        self.rates.append(samples / (time.perf_counter() - self.started))
        self.cpu_rates.append(samples / (time.process_time() - self.cpu_started))


timer = EpochTimer()
model.fit(x, y, epochs=epochs, batch_size=32, verbose=0, callbacks=[timer])
print(json.dumps({"version": f"Keras {keras.__version__} / TF {tf.__version__}", "rates": timer.rates, "cpuRates": timer.cpu_rates}))
