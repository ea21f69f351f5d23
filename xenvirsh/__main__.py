from xenvirsh.cli.main import main

main()
