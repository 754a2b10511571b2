// `tanba-sim`: simulators of the hub's counterpart systems, as real server processes for tests and `make demo`.
SimulatorCommand.main()
