import TanbaCommands

TanbaCommand.main()
