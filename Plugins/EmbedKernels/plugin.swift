// Build-tool plugin: turns every `Kernels/*.cl` file at the package root into a Swift
// string literal so the shipped binary carries its kernels and runs from any folder.
import Foundation
import PackagePlugin

@main
struct EmbedKernels: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let kernelFolder = context.package.directoryURL.appending(path: "Kernels")
        let files = try FileManager.default
            .contentsOfDirectory(at: kernelFolder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "cl" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedKernels.swift")
        let tool = try context.tool(named: "KernelEmbedder")
        return [
            .buildCommand(
                displayName: "Embedding \(files.count) OpenCL kernel files",
                executable: tool.url,
                arguments: [output.path] + files.map(\.path),
                // The folder itself is an input so that added or removed files trigger a rebuild.
                inputFiles: [kernelFolder] + files,
                outputFiles: [output]
            )
        ]
    }
}
