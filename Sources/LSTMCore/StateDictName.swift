// Parsing of torch.nn.LSTM state-dict names (`weight_hh_l1_reverse`) into kind, layer and
// direction. Only the exact names PyTorch writes are accepted, so a round trip is lossless.

/// One tensor name of an `nn.LSTM` state dict: `{kind}_l{layer}` with an optional `_reverse`.
struct StateDictName: Hashable, Sendable {
    /// `weight_ih`, `weight_hh`, `bias_ih`, `bias_hh`, `weight_hr` or `weight_peephole`.
    let kind: String
    let layer: Int
    /// 0 forward, 1 reverse.
    let direction: Int

    /// Every tensor kind a cell can carry, in the order ``LSTMModel/expectedShapes(layer:_:)`` lists them.
    static let kinds = ["weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_hr", "weight_peephole"]

    /// Parses `name`, or returns `nil` when it is not exactly a name PyTorch would write
    /// (unknown kind, missing or non-canonical layer number such as `l01`, other suffixes).
    init?(_ name: String) {
        let reverseSuffix = "_reverse"
        for kind in Self.kinds {
            let prefix = kind + "_l"
            guard name.hasPrefix(prefix) else { continue }
            var number = Substring(name.dropFirst(prefix.count))
            var direction = 0
            if number.hasSuffix(reverseSuffix) {
                number = number.dropLast(reverseSuffix.count)
                direction = 1
            }
            guard !number.isEmpty,
                  number.allSatisfy({ ("0"..."9").contains($0) }),
                  number == "0" || number.first != "0",
                  let layer = Int(number)
            else { return nil }
            self.kind = kind
            self.layer = layer
            self.direction = direction
            return
        }
        return nil
    }
}
