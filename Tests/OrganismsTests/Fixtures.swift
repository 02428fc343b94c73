import Foundation
@_exported import TestSupport

/// The golden files this suite reads (under `Tests/Fixtures`).
enum Fixtures {
    static let root = TestFixtures.root

    static func organisms(_ name: String) -> URL { root.appendingPathComponent("organisms/\(name)") }
}

