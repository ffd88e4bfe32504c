from openses.cli import main

main()
