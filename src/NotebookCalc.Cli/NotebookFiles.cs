using System.Runtime.CompilerServices;
#if !MATCALC_NATIVE
using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Documents.Jupyter;
#endif

namespace NotebookCalc.Cli;

/// <summary>
/// Notebook files as `render` and `grade` read them: `.ipynb` as it is, and `.dib` (the Polyglot Notebooks text format)
/// read with the host's own document library (Microsoft.DotNet.Interactive.Documents) and handed on as the `.ipynb` the
/// host would write for it, so both formats go through one path.
/// </summary>
public static class NotebookFiles
{
    /// <summary>True for a `.dib` file (by extension, case-insensitive).</summary>
    public static bool IsDib(string path) => string.Equals(Path.GetExtension(path), ".dib", StringComparison.OrdinalIgnoreCase);

    /// <summary>The notebook's `.ipynb` JSON: the file's text, converted when it is a `.dib`.</summary>
    public static string ReadAsIpynb(string path, string text) => IsDib(path) ? DibToIpynb(text) : text;

    /// <summary>
    /// A `.dib` document as Jupyter JSON. Cells start at `#!csharp`, `#!markdown` and the other kernel names the host
    /// knows; a `#!meta` block's kernel list is merged in; any other `#!` line (`#!matcalc …`) stays inside its cell.
    /// Kept out of line so that reading `.ipynb` files never loads the document library.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static string DibToIpynb(string text)
    {
#if MATCALC_NATIVE
        // The native front end hands any command naming a .dib file to matcalc.dll (NativeHandoff) before it gets here.
        throw new InvalidOperationException("a .dib notebook is read by matcalc.dll, not by the native front end");
#else
        var kernels = new KernelInfoCollection
        {
            new KernelInfo("csharp", languageName: "C#", aliases: ["c#", "C#", "cs"]),
            new KernelInfo("fsharp", languageName: "F#", aliases: ["f#", "F#", "fs"]),
            new KernelInfo("pwsh", languageName: "PowerShell", aliases: ["powershell"]),
            new KernelInfo("javascript", languageName: "JavaScript", aliases: ["js"]),
            new KernelInfo("html", languageName: "HTML"),
            new KernelInfo("mermaid", languageName: "Mermaid"),
            new KernelInfo("value"),
        };
        kernels.DefaultKernelName = "csharp";
        var document = CodeSubmission.Parse(text, kernels);
        return document.ToJupyterJson("C#");
#endif
    }
}
