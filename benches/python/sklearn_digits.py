"""Training throughput of scikit-learn's MLPClassifier on Digits, the
settings of `cargo bench -p nn-benches --bench train` (issue 5):
64-32-10 ReLU, Adam (lr 1e-3), batch 32, L2 alpha 1e-4, one thread,
75/25 stratified split, standardized inputs. Times single epochs
(`partial_fit` over the training part) and prints samples per second.

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 \
        python3 benches/python/sklearn_digits.py
"""
import gzip
import os
import statistics
import time

import numpy as np
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "..", "nn-std", "data", "digits.csv.gz")


def main():
    with gzip.open(DATA, "rt") as f:
        rows = np.loadtxt(f, delimiter=",")
    x, y = rows[:, :64].astype(np.float32), rows[:, 64].astype(int)
    xtr, xte, ytr, yte = train_test_split(x, y, test_size=0.25, stratify=y, random_state=0)
    scaler = StandardScaler().fit(xtr)
    xtr, xte = scaler.transform(xtr).astype(np.float32), scaler.transform(xte).astype(np.float32)
    clf = MLPClassifier(
        hidden_layer_sizes=(32,),
        activation="relu",
        solver="adam",
        learning_rate_init=1e-3,
        batch_size=32,
        alpha=1e-4,
        shuffle=True,
        random_state=0,
    )
    classes = np.arange(10)
    clf.partial_fit(xtr, ytr, classes=classes)  # warm-up epoch
    times = []
    for _ in range(30):
        t = time.perf_counter()
        clf.partial_fit(xtr, ytr)
        times.append(time.perf_counter() - t)
    med = statistics.median(times)
    print(f"sklearn partial_fit: ", end="")
    print(f"sklearn MLPClassifier digits epoch: {len(xtr)} samples, median {med * 1e3:.2f} ms "
          f"over {len(times)} epochs, {len(xtr) / med:,.0f} samples/s "
          f"(test accuracy after {len(times) + 1} epochs: {clf.score(xte, yte):.4f})")
    # The same through `fit` (one call, 30 epochs, no early stop): less
    # per-call overhead than partial_fit.
    epochs = 30
    fit_times = []
    for rep in range(3):
        clf = MLPClassifier(
            hidden_layer_sizes=(32,), activation="relu", solver="adam",
            learning_rate_init=1e-3, batch_size=32, alpha=1e-4, shuffle=True,
            random_state=rep, max_iter=epochs, tol=0.0, n_iter_no_change=10**6,
        )
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t = time.perf_counter()
            clf.fit(xtr, ytr)
            fit_times.append((time.perf_counter() - t) / epochs)
    med = statistics.median(fit_times)
    print(f"sklearn fit ({epochs} epochs): median {med * 1e3:.2f} ms per epoch, "
          f"{len(xtr) / med:,.0f} samples/s (test accuracy {clf.score(xte, yte):.4f})")


if __name__ == "__main__":
    main()
