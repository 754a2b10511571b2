public import Foundation
import TanbaDomain
import TanbaErrors
public import TanbaStore

/// The public side: checking a code without logging in, reporting a violation and following it by its reference,
/// and the inspectors' triage of reports and signals.
extension HubCore {
    // MARK: Public

    /// Checks a code for anyone (`PublicChecker`) and journals the check (`CheckJournal`), which may raise a signal.
    /// - Parameters:
    ///   - address: the client's address, for the journal.
    ///   - location: where the phone was, when its user shared it: `latitude,longitude` in degrees.
    /// - Throws: `REQUEST_PARAMETER_INVALID` naming `parameter` (then the GS1 codes) when `text` is not a code;
    ///   `REQUEST_PARAMETER_INVALID` naming `location` when it is not a place on Earth.
    public func publicCheck(
        _ text: String, parameter: String = "query parameter 'code'", address: String?, location: String? = nil,
        now: Date = Date()
    ) throws -> PublicCheck {
        let location = try Self.location(location)
        let found: (check: PublicCheck, owner: String?)
        do {
            found = try checker.inspect(text, now: now)
        } catch let error as TanbaError where error.category != .internal {
            throw TanbaError(
                diagnostics: [
                    Diagnostic(
                        .requestParameterInvalid, "\(parameter) is not a marking code or an SSCC: \(error.message)")
                ] + error.diagnostics)
        }
        journal.note(
            found.check, participant: found.owner, address: address, latitude: location?.0, longitude: location?.1,
            at: now)
        return found.check
    }

    /// Checks the code in a photo of a label (JPEG or PNG): the first GS1 DataMatrix the hub finds in it.
    /// - Throws: the image codes (`IMAGE_UNSUPPORTED`, `IMAGE_TOO_LARGE`, `IMAGE_CORRUPT`, `BARCODE_NOT_FOUND`),
    ///   then those of `publicCheck(_:)`.
    public func publicCheck(photo: [UInt8], address: String?, location: String? = nil, now: Date = Date()) throws
        -> PublicCheck
    {
        let code = try ReportPhoto.code(in: photo)
        return try publicCheck(code, parameter: "the code in the photo", address: address, location: location, now: now)
    }

    /// A place as `latitude,longitude` in degrees (what a phone's geolocation gives), or nil.
    /// - Throws: `REQUEST_PARAMETER_INVALID` naming `name`.
    public static func location(_ text: String?, name: String = "location") throws -> (Double, Double)? {
        guard let text else { return nil }
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map {
            Double($0.trimmingCharacters(in: .whitespaces))
        }
        guard parts.count == 2, let latitude = parts[0], let longitude = parts[1], (-90...90).contains(latitude),
            (-180...180).contains(longitude)
        else {
            throw QueryText.invalid(
                name, "must be latitude,longitude in degrees (-90…90,-180…180), e.g. 43.2389,76.8897")
        }
        return (latitude, longitude)
    }

    /// Files a report from the public. The code, when given, must parse; it need not be one the hub issued (a
    /// forged label is what is being reported). The photo is kept re-encoded, without its metadata.
    /// - Throws: `VIOLATION_INVALID` listing every field that is wrong; the GS1 codes for the code; the image codes
    ///   for the photo. Nothing is stored then.
    public func fileViolation(_ input: ViolationInput, now: Date = Date()) throws -> ViolationReport {
        let fields = try Violations.validate(input)
        var identity: String?
        if let text = input.code?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            do {
                identity = try CodeReference.parse(text).identification
            } catch let error as TanbaError {
                var diagnostic = Diagnostic(
                    .violationInvalid, "code is not a marking code or an SSCC: \(error.message)")
                diagnostic.path = "code"
                throw TanbaError(diagnostics: [diagnostic] + error.diagnostics)
            }
        }
        let photo = try input.photo.map { try ReportPhoto.clean($0) }
        func describe(_ report: inout ViolationReport) {
            report.code = identity
            report.shop = fields.shop
            report.address = fields.address
            report.region = fields.region
            report.latitude = fields.location?.0
            report.longitude = fields.location?.1
            report.description = input.description?.trimmingCharacters(in: .whitespacesAndNewlines)
            report.contact = input.contact?.trimmingCharacters(in: .whitespacesAndNewlines)
            if report.description?.isEmpty == true { report.description = nil }
            if report.contact?.isEmpty == true { report.contact = nil }
            report.photo = photo?.bytes
            report.photoType = photo?.mediaType
        }
        // A reference drawn twice (one in 10¹⁵) is drawn again rather than failing the reporter.
        for attempt in 0..<3 {
            var report = ViolationReport(
                reference: Violations.newReference(), source: .report, kind: fields.kind, createdAt: now)
            describe(&report)
            do {
                return try store.write { tx in
                    if let identity, let code = try tx.code(identity) {
                        report.gtin = code.gtin
                        report.participant = code.owner
                        report.productGroup = try code.gtin.flatMap { try tx.product($0)?.productGroup }
                    }
                    guard try tx.file(report) else {
                        throw TanbaError(.storeConflict, "reference \(report.reference) is taken")
                    }
                    return report
                }
            } catch let error as TanbaError where error.code == .storeConflict && attempt < 2 {
                continue
            }
        }
        throw TanbaError(.internal, "no free reference number")
    }

    /// A report's status for whoever holds its reference number.
    /// - Throws: `NOT_FOUND` for a reference that is malformed or not filed (the same answer for both).
    public func violationStatus(_ reference: String) throws -> ViolationStatusView {
        let wanted = reference.uppercased()
        guard Violations.isReference(wanted),
            let (report, steps) = try store.read({ tx in
                try tx.violation(wanted).map { ($0, try tx.steps(of: wanted)) }
            }),
            report.source == .report
        else { throw TanbaError(.notFound, "no violation report \(reference)") }
        return ViolationStatusView(
            reference: report.reference, kind: report.kind, status: report.status, filedAt: report.createdAt,
            updatedAt: report.updatedAt, steps: steps.map { .init(at: $0.at, status: $0.status) })
    }

    // MARK: Inspectors

    /// - Throws: `AUTH_FORBIDDEN` unless `caller` is a state body.
    func checkInspector(_ caller: Caller) throws {
        let reader = try store.read { try AccessPolicy.Reader(caller.participant, in: $0) }
        guard reader.isStateBody else {
            throw TanbaError(.authForbidden, "only inspectors of a state body see violation reports")
        }
    }

    /// One page of reports and signals, newest first, filtered by name=value parameters
    /// (`Violations.parameters`).
    /// - Throws: `AUTH_FORBIDDEN`, `REQUEST_PARAMETER_INVALID`.
    public func violations(
        _ parameters: some Sequence<(String, String)>, as caller: Caller,
        naming: @escaping QueryText.Naming = QueryText.queryParameter
    ) throws -> ViolationPage {
        try checkInspector(caller)
        let filter = try Violations.filter(parameters, reference: reference, naming: naming)
        return try store.read { try $0.violations(filter) }
    }

    /// One report with its steps and the code's full history.
    /// - Throws: `AUTH_FORBIDDEN`, `NOT_FOUND`.
    public func violationCase(_ reference: String, as caller: Caller) throws -> ViolationCase {
        try checkInspector(caller)
        let found = try store.read { tx -> ViolationCase? in
            guard Violations.isReference(reference), let report = try tx.violation(reference) else { return nil }
            let code = try report.code.flatMap { try tx.code($0) }
            return ViolationCase(
                report: report, steps: try tx.steps(of: reference), code: code,
                history: code == nil ? [] : try tx.events(of: code!.id))
        }
        guard let found else { throw TanbaError(.notFound, "no violation report \(reference)") }
        return found
    }

    /// Sets a report's status, if it is still `expected` (what the inspector saw), with a comment.
    /// - Throws: `AUTH_FORBIDDEN`, `NOT_FOUND`, `VIOLATION_INVALID` (comment too long),
    ///   `VIOLATION_STATUS_CHANGED` (moved meanwhile, or already so).
    public func setViolationStatus(
        _ reference: String, expected: ViolationStatus, to status: ViolationStatus, comment: String?,
        as caller: Caller, now: Date = Date()
    ) throws -> ViolationCase {
        try checkInspector(caller)
        let note = comment?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let note, note.unicodeScalars.count > Violations.limits.description {
            throw TanbaError(
                .violationInvalid, "comment is longer than \(Violations.limits.description) characters")
        }
        guard expected != status else {
            throw TanbaError(.violationStatusChanged, "\(reference) is already \(status.rawValue)")
        }
        let step = ViolationStep(
            reference: reference, at: now, status: status, comment: note?.isEmpty == true ? nil : note,
            inspector: caller.iin ?? caller.participant)
        let changed = try store.write { tx -> Bool? in
            guard Violations.isReference(reference), try tx.violation(reference) != nil else { return nil }
            return try tx.setStatus(of: reference, expected: expected, to: step)
        }
        guard let changed else { throw TanbaError(.notFound, "no violation report \(reference)") }
        guard changed else {
            throw TanbaError(
                .violationStatusChanged, "\(reference) is no longer \(expected.rawValue): someone changed it meanwhile")
        }
        return try violationCase(reference, as: caller)
    }
}
