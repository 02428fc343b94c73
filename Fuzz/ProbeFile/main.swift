// libFuzzer harness: probe.json and directions JSON bytes, read and checked as `ablate`,
// `score` and `steer` read them.
import FuzzSupport
import Foundation
import Probes

FuzzDriver.run { data in
    let path = FuzzScratch.write(data, as: "input.json")
    _ = try? ProbeFile.read(from: URL(fileURLWithPath: path))
    _ = try? DirectionSetFile.read(from: URL(fileURLWithPath: path))
}
