import Foundation
import TanbaDomain
import TanbaErrors
import TanbaTestSupport
import Testing

@Suite struct AggregationTests {
    static let owner = "050140001238"
    static let date = Date(timeIntervalSince1970: 0)

    static func unit(_ n: Int, status: CodeStatus = .inCirculation, owner: String = owner, parent: String? = nil)
        -> CodeRecord
    {
        CodeRecord(
            id: "01048700010000112100000000000\(n)", level: .unit, gtin: "04870001000011", status: status, owner: owner,
            emitter: owner, parent: parent, issuedAt: date)
    }

    static let group = CodeRecord(
        id: "0104870001000028210000000000G1", level: .group, gtin: "04870001000028", status: .inCirculation,
        owner: owner, emitter: owner, issuedAt: date)
    static let pallet = Aggregation.transportPackage(
        sscc: "148700010000000018", owner: owner, status: .inCirculation, at: date)

    @Test func unitsIntoAGroupAndTheGroupIntoAPallet() throws {
        let units = try Aggregation.aggregate([Self.unit(1), Self.unit(2)], into: Self.group, by: Self.owner)
        #expect(units.allSatisfy { $0.parent == Self.group.id })
        let groups = try Aggregation.aggregate([Self.group], into: Self.pallet, by: Self.owner)
        #expect(groups.first?.parent == "00148700010000000018")
        #expect(Self.pallet.level == .transport && Self.pallet.gtin == nil)
    }

    @Test func boxesGoOnAPallet() throws {
        let box = Aggregation.transportPackage(
            sscc: "148700010000000025", owner: Self.owner, status: .inCirculation, at: Self.date)
        #expect(try Aggregation.aggregate([box], into: Self.pallet, by: Self.owner).first?.parent == Self.pallet.id)
    }

    @Test func aPackageHoldsOnlyLowerLevels() {
        expectCode(.aggregationLevel) { _ = try Aggregation.aggregate([Self.pallet], into: Self.group, by: Self.owner) }
        expectCode(.aggregationLevel) {
            _ = try Aggregation.aggregate([Self.unit(1)], into: Self.unit(2), by: Self.owner)
        }
    }

    @Test func aCodeHasAtMostOneParent() {
        let inside = Self.unit(1, parent: "0104870001000028210000000000G9")
        expectCode(.aggregationAlreadyInside) {
            _ = try Aggregation.aggregate([inside], into: Self.group, by: Self.owner)
        }
    }

    @Test func packageAndContentsShareOwnerAndStatus() {
        expectCode(.aggregationMixed) {
            _ = try Aggregation.aggregate([Self.unit(1, status: .applied)], into: Self.group, by: Self.owner)
        }
        expectCode(.codeNotOwner) {
            _ = try Aggregation.aggregate([Self.unit(1, owner: "031240500125")], into: Self.group, by: Self.owner)
        }
        expectCode(.codeNotOwner) {
            _ = try Aggregation.aggregate([Self.unit(1)], into: Self.group, by: "031240500125")
        }
    }

    @Test func noCyclesNoEmptyPackagesNoLockedOrWithdrawnPackages() {
        expectCode(.aggregationCycle) {
            _ = try Aggregation.aggregate(
                [Self.group], into: Self.pallet, ancestorsOfParent: [Self.group.id], by: Self.owner)
        }
        expectCode(.aggregationEmpty) { _ = try Aggregation.aggregate([], into: Self.group, by: Self.owner) }
        var locked = Self.group
        locked.lockedBy = "DOC"
        expectCode(.codeLocked) { _ = try Aggregation.aggregate([Self.unit(1)], into: locked, by: Self.owner) }
        var withdrawn = Self.group
        withdrawn.status = .withdrawn
        expectCode(.codeStatus) { _ = try Aggregation.aggregate([Self.unit(1)], into: withdrawn, by: Self.owner) }
    }

    @Test func everyBadChildIsReported() {
        let error = expectCode(.aggregationAlreadyInside) {
            _ = try Aggregation.aggregate(
                [Self.unit(1, parent: "X"), Self.unit(2, status: .applied), Self.unit(3)], into: Self.group,
                by: Self.owner)
        }
        #expect(error?.diagnostics.map(\.code) == [.aggregationAlreadyInside, .aggregationMixed])
    }

    @Test func removingOnlyWhatIsInside() throws {
        let inside = Self.unit(1, parent: Self.group.id)
        #expect(try Aggregation.remove([inside], from: Self.group, by: Self.owner).first?.parent == nil)
        expectCode(.aggregationNotChild) {
            _ = try Aggregation.remove([Self.unit(2)], from: Self.group, by: Self.owner)
        }
    }
}
