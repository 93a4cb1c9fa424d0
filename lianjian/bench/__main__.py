from lianjian.bench.harness import main

raise SystemExit(main())
