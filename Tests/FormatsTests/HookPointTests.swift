import Testing
import Formats

@Suite struct HookPointTests {
    @Test func namesRoundTrip() {
        for point in HookPoint.all(layers: 3) {
            #expect(HookPoint(name: point.name) == point)
        }
        #expect(HookPoint(name: "blocks.2.hook_resid_post") == .residPost(2))
        #expect(HookPoint(name: "blocks.x.hook_resid_post") == nil)
        #expect(HookPoint(name: "blocks.1.hook_q") == nil)
        #expect(HookPoint.all(layers: 2).map(\.name) == [
            "hook_embed",
            "blocks.0.hook_resid_pre", "blocks.0.hook_attn_out", "blocks.0.hook_resid_mid", "blocks.0.hook_mlp_out", "blocks.0.hook_resid_post",
            "blocks.1.hook_resid_pre", "blocks.1.hook_attn_out", "blocks.1.hook_resid_mid", "blocks.1.hook_mlp_out", "blocks.1.hook_resid_post",
            "ln_final.hook_normalized",
        ])
    }

    /// A name must round-trip: `blocks.03…` and `blocks.+3…` are not hook names.
    @Test func layerWrittenPlainly() {
        #expect(HookPoint(name: "blocks.03.hook_resid_post") == nil)
        #expect(HookPoint(name: "blocks.+3.hook_resid_post") == nil)
        #expect(HookPoint(name: "blocks.-1.hook_resid_post") == nil)
        #expect(HookPoint(name: "blocks.3.hook_resid_post.x") == nil)
    }

    @Test func kindsAndBlocks() {
        for point in HookPoint.all(layers: 2) {
            if let kind = point.kind, let layer = point.blockIndex {
                #expect(HookPoint(layer: layer, kind: kind) == point)
            }
        }
        #expect(HookPoint.embed.blockIndex == nil && HookPoint.finalNormalized.kind == nil)
        #expect(HookPoint.mlpOut(4).blockIndex == 4 && HookPoint.mlpOut(4).kind == .mlpOut)
        #expect(HookKind.allCases.map(\.rawValue) == ["hook_resid_pre", "hook_attn_out", "hook_resid_mid", "hook_mlp_out", "hook_resid_post"])
    }
}
