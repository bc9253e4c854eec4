"""Batch budgets on CUDA come from the GPU memory budget, shared by the inference workers."""

from config.settings import Settings
from models.pool import back_budget, front_budget


def test_cuda_budgets_follow_the_memory_budget_and_the_workers() -> None:
    small = Settings(gpu_memory_gb=16, inference_workers=2)
    big = Settings(gpu_memory_gb=32, inference_workers=2)
    crowded = Settings(gpu_memory_gb=32, inference_workers=4)
    assert front_budget("cuda", big) == 2 * front_budget("cuda", small) > 0
    assert back_budget("cuda", "fp32", big) == 2 * back_budget("cuda", "fp32", small) > 0
    assert front_budget("cuda", crowded) == front_budget("cuda", small)
    # fp16 holds about twice the frames of fp32 in the same memory
    assert back_budget("cuda", "fp16", small) > 1.5 * back_budget("cuda", "fp32", small)


def test_the_cpu_runs_one_at_a_time_and_set_budgets_win() -> None:
    settings = Settings(gpu_memory_gb=16, inference_workers=2)
    assert front_budget("cpu", settings) == 0
    assert back_budget("cpu", "fp32", settings) == 0
    fixed = Settings(batch_budget=1234, back_frame_budget=567)
    assert front_budget("cuda", fixed) == 1234
    assert back_budget("cuda", "fp16", fixed) == 567
