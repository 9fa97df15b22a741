"""One engine of `npm run bench -- training`: the same MLP or CNN trained with PyTorch (Adam, cross
entropy from logits, batch 32, shuffled); prints {"version", "rates": samples/s per epoch} as JSON.
Usage: python torch_worker.py mlp|cnn SAMPLES EPOCHS THREADS"""
import json, sys, time

model_name, samples, epochs, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
import torch
from torch import nn

torch.set_num_threads(threads)
if model_name == "cnn":
    model = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(32 * 13 * 13, 10))
    x = torch.rand(samples, 1, 28, 28)
else:
    model = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Dropout(0.2), nn.Linear(512, 10))
    x = torch.rand(samples, 784)
y = torch.randint(0, 10, (samples,))
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_function = nn.CrossEntropyLoss()


def epoch(count):
    order = torch.randperm(count)
    for start in range(0, count, 32):
        index = order[start:start + 32]
        optimizer.zero_grad()
        loss = loss_function(model(x[index]), y[index])
        loss.backward()
        optimizer.step()
        loss.item()  # like Keras/tfjs, read the loss each batch


model.train()
epoch(256)  # warm-up
rates, cpu_rates = [], []
for _ in range(epochs):
    started, cpu_started = time.perf_counter(), time.process_time()
    epoch(samples)
    rates.append(samples / (time.perf_counter() - started))
    cpu_rates.append(samples / (time.process_time() - cpu_started))
print(json.dumps({"version": f"PyTorch {torch.__version__}", "rates": rates, "cpuRates": cpu_rates}))
