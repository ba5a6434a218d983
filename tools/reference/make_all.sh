#!/bin/sh
# Regenerate every PyTorch reference fixture in test/fixtures/ and check them.
# Needs Debian's torch: apt-get install -y python3-torch python3-statsmodels python3-sklearn
set -eu
cd "$(dirname "$0")/../.."
PY=/usr/bin/python3
export PYTHONDONTWRITEBYTECODE=1  # no __pycache__ in the tree
for s in ops ops_everyday rnn optim optim_extra gs10 safetensors_mixed safetensors_dtypes lstm_gru packed_rnn tbptt ar_statsmodels tfidf_sklearn schedulers example_word_language_model example_time_sequence_prediction classifier classification_metrics digits_sklearn sequence_files backtest_statsmodels ar_interval_statsmodels gaussian_nll; do
  "$PY" "tools/reference/$s.py"
done
"$PY" tools/reference/check_fixtures.py
# Benchmarks are not fixtures; run separately (see README.md):
#   OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 /usr/bin/python3 tools/reference/bench_torch.py --out bench/torch-results.json
