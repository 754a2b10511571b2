import TanbaCommands
TanbaCommand.main()
