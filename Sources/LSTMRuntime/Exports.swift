// `import LSTMRuntime` brings the model types and file formats with it.
@_exported import LSTMCore
@_exported import LSTMFormats
@_exported import struct LSTMOpenCL.KernelTuning
@_exported import enum LSTMOpenCL.WeightPrecision
