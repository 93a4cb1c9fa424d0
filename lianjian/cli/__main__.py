from lianjian.cli import main

main()
