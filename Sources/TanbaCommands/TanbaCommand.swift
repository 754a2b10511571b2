public import ArgumentParser
public struct TanbaCommand: ParsableCommand { public init() {} }
