// The parameter names of a kernel as the compiler saw them (clGetKernelArgInfo). Only
// programs built with `-cl-kernel-arg-info` are required to keep them.
import COpenCL

extension Kernel {
    /// The kernel's parameter names in declaration order.
    ///
    /// - Throws: `OpenCLError` (`CL_KERNEL_ARG_INFO_NOT_AVAILABLE`) unless the program was
    ///   built with `-cl-kernel-arg-info`.
    public func argumentNames() throws -> [String] {
        try program.context.call { try argumentNamesUnlocked() }
    }

    private func argumentNamesUnlocked() throws -> [String] {
        let count: cl_uint = try queryValue("clGetKernelInfo", 0) { size, value, _ in
            clGetKernelInfo(handle, cl_kernel_info(CL_KERNEL_NUM_ARGS), size, value, nil)
        }
        return try (0..<count).map { index in
            try queryString("clGetKernelArgInfo") { size, value, returned in
                clGetKernelArgInfo(handle, index, cl_kernel_arg_info(CL_KERNEL_ARG_NAME), size, value, returned)
            }
        }
    }
}
