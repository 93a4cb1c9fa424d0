from lianjian.cli.bench import bench_app

bench_app(prog_name="python -m lianjian.bench")
