// `import LSTMRuntime` brings the model types, file formats and device descriptions with it.
@_exported import LSTMCore
@_exported import LSTMFormats
@_exported import struct LSTMOpenCL.KernelTuning
@_exported import enum LSTMOpenCL.BatchClass
@_exported import enum LSTMOpenCL.WeightPrecision
@_exported import struct OpenCLKit.Device
@_exported import enum OpenCLKit.DeviceKind
@_exported import struct OpenCLKit.OpenCLError
@_exported import struct OpenCLKit.Platform
@_exported import enum LSTMOpenCL.KernelFamily
@_exported import enum LSTMOpenCL.KernelSelection
@_exported import struct LSTMOpenCL.GPUKernelTuning
@_exported import struct LSTMOpenCL.LaunchOverhead
