// torch.nn.utils.rnn: padding and packing of variable-length sequences (PackedSequence and its
// helpers) belong here.
export {};
