// libFuzzer harness: a safetensors file (8-byte header length, JSON header, data). Every
// tensor the header admits is then read both ways (stored-dtype view and Float32 copy).
import FuzzSupport
import Foundation
import ModelFiles

FuzzDriver.run { data in
    let path = FuzzScratch.write(data, as: "model.safetensors")
    guard let file = try? SafetensorsFile(path: path) else { return }
    for name in file.entries.keys.sorted() {
        _ = try? file.weights(name)
        _ = try? file.tensor(name)
    }
}
