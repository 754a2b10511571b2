public import Foundation
public import Logging
public import ServiceLifecycle
public import TanbaCore
import TanbaErrors

/// The daily Ministry of Finance export as a service of `tanba serve`: from the schedule's time of day
/// (Kazakhstan's time) on, every closed day after the cursor is exported and queued; the outbox worker of channel
/// `mof` delivers it. It looks every `period` (a minute), so a hub started late, or down at the scheduled time,
/// catches up at once; the cursor in the store makes each look cheap and each day exported once.
public struct MoFScheduleService: Service {
    public let exporter: MoFExporter
    /// Minutes after Kazakhstan's midnight from which the day's export runs.
    public let minuteOfDay: Int
    /// The first day to export when there is no cursor yet (else the last closed day).
    public let start: String?
    public let period: Duration
    let logger: Logger

    public init(
        exporter: MoFExporter, minuteOfDay: Int, start: String?, period: Duration = .seconds(60), logger: Logger
    ) {
        self.exporter = exporter
        self.minuteOfDay = minuteOfDay
        self.start = start
        self.period = period
        self.logger = logger
    }

    /// Whether `now` is at or after the scheduled time of its day (Kazakhstan's time).
    public func isDue(at now: Date) -> Bool {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 5 * 3600)!
        let parts = calendar.dateComponents([.hour, .minute], from: now)
        return parts.hour! * 60 + parts.minute! >= minuteOfDay
    }

    /// One look: the exports made.
    public func runOnce(at now: Date = Date()) -> Int {
        guard isDue(at: now) else { return 0 }
        do {
            let made = try exporter.exportDue(at: now, start: start)
            for export in made {
                logger.info(
                    "mof export made",
                    metadata: [
                        "mof.export": "\(export.id)", "mof.day": "\(export.fromDay)", "mof.events": "\(export.total)",
                        "mof.sha256": "\(export.digest)",
                    ])
            }
            return made.count
        } catch let error as TanbaError {
            logger.error("mof export failed", metadata: ["error.code": "\(error.code)", "error": "\(error.message)"])
        } catch {
            logger.error("mof export failed", metadata: ["error": "\(type(of: error))"])
        }
        return 0
    }

    public func run() async throws {
        logger.info("mof schedule started", metadata: ["mof.minute_of_day": "\(minuteOfDay)"])
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                // Exporting reads and writes synchronously: off the cooperative pool's threads.
                let exporter = self
                _ = await Task.detached { exporter.runOnce() }.value
                try? await Task.sleep(for: period)
            }
        }
    }
}
