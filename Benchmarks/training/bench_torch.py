"""PyTorch training throughput on the same Llama shape and batch size as the Swift trainer run.

Usage: bench_torch.py MODEL_DIR BATCH TOKENS_PER_STEP STEPS THREADS
Prints "torch: N tok/s". The batch is random ids of the Swift run's mean padded length.
"""
import sys
import time

import torch
from transformers import LlamaConfig, LlamaForCausalLM


def main():
    model_dir, batch, tokens_per_step, steps, threads = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    torch.set_num_threads(threads)
    config = LlamaConfig.from_pretrained(model_dir)
    config._attn_implementation = "eager"
    torch.manual_seed(0)
    model = LlamaForCausalLM(config).float()
    length = max(2, round(tokens_per_step / batch))
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, betas=(0.9, 0.95), weight_decay=0.01)
    ids = torch.randint(0, config.vocab_size, (batch, length))
    mask = torch.rand(batch, length) < 0.5

    def step():
        opt.zero_grad()
        logits = model(input_ids=ids).logits
        ce = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), ids.roll(-1, 1).reshape(-1), reduction="none")
        loss = (ce * mask.reshape(-1)).sum() / mask.sum()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()

    for _ in range(3):
        step()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    seconds = time.perf_counter() - start
    print(f"torch: {batch * length * steps / seconds:.0f} tok/s (batch {batch} x {length}, {steps} steps, {threads} threads)")


if __name__ == "__main__":
    main()
