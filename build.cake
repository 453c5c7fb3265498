// NotebookCalc build. Run with:  dotnet tool restore && dotnet cake [--target=Test] [--configuration=Debug]
var target = Argument("target", "Default");
var configuration = Argument("configuration", "Release");

var solution = "./NotebookCalc.sln";
var artifacts = MakeAbsolute(Directory("./artifacts"));
var packages = artifacts.Combine("packages");
var testResults = artifacts.Combine("test-results");

/// <summary>What tests/katex/node_modules must have been installed from: the lock file's hash and node's version; null without npm.</summary>
string KatexStamp()
{
    if (!NpmAvailable()) return null;
    using var sha = System.Security.Cryptography.SHA256.Create();
    var hash = Convert.ToHexString(sha.ComputeHash(System.IO.File.ReadAllBytes("./tests/katex/package-lock.json")));
    string node = "";
    try
    {
        StartProcess("node", new ProcessSettings { Arguments = "--version", RedirectStandardOutput = true }, out var lines);
        node = string.Join("", lines).Trim();
    }
    catch { }
    return $"{hash} node {node}";
}

bool NpmAvailable()
{
    try
    {
        var exit = StartProcess(IsRunningOnWindows() ? "npm.cmd" : "npm", new ProcessSettings { Arguments = "--version", RedirectStandardOutput = true });
        return exit == 0;
    }
    catch { return false; }
}

// The page tests check the rendered site in headless Chromium (Debian's `chromium`); on a machine without it, Restore
// installs it with apt-get when running as root (as CI does), and otherwise says how, so the tests fail with that message.
void EnsureChromium()
{
    var configured = EnvironmentVariable("MATCALC_CHROMIUM");
    var known = new[] { configured, "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" };
    if (known.Any(p => !string.IsNullOrEmpty(p) && System.IO.File.Exists(p))) return;
    if (!IsRunningOnLinux() || !System.IO.File.Exists("/usr/bin/apt-get"))
    {
        Warning("Chromium was not found: the page tests need it (Debian/Ubuntu: apt-get install chromium), or set MATCALC_CHROMIUM.");
        return;
    }
    Information("Installing chromium for the page tests (apt-get) …");
    var env = new Dictionary<string, string> { ["DEBIAN_FRONTEND"] = "noninteractive" };
    var update = StartProcess("apt-get", new ProcessSettings { Arguments = "update -qq", EnvironmentVariables = env });
    var install = update == 0 ? StartProcess("apt-get", new ProcessSettings { Arguments = "install -y -qq chromium fonts-dejavu-core", EnvironmentVariables = env }) : update;
    if (install != 0)
        Warning("apt-get could not install chromium (not root?): the page tests will fail until it is installed (apt-get install chromium).");
}

Task("Clean")
    .Does(() =>
{
    CleanDirectory(artifacts);
    DotNetClean(solution, new DotNetCleanSettings { Configuration = configuration, Verbosity = DotNetVerbosity.Minimal });
});

Task("Restore")
    .Does(() =>
{
    DotNetRestore(solution);
    EnsureChromium();
    // KaTeX renders every LaTeX string the tests produce, in strict mode. `npm ci` (20–25 s) runs only when
    // tests/katex/node_modules was not installed from the current package-lock.json: a stamp in node_modules holds the
    // lock file's SHA-256 and the Node.js version it was installed with.
    var stamp = File("./tests/katex/node_modules/.matcalc-lock.sha256").Path.FullPath;
    var expected = KatexStamp();
    if (expected is not null && System.IO.File.Exists(stamp) && System.IO.File.ReadAllText(stamp).Trim() == expected)
    {
        Information("tests/katex/node_modules matches package-lock.json: npm ci skipped.");
    }
    else if (expected is not null)
    {
        var exit = StartProcess(IsRunningOnWindows() ? "npm.cmd" : "npm", new ProcessSettings { Arguments = "ci --no-audit --no-fund --prefix tests/katex" });
        if (exit != 0) throw new Exception("npm ci --prefix tests/katex failed");
        System.IO.File.WriteAllText(stamp, expected + "\n");
    }
    else
    {
        Warning("npm was not found: the LaTeX validity tests need Node.js (https://nodejs.org) and will fail with that message.");
    }
});

Task("Build")
    .IsDependentOn("Restore")
    .Does(() =>
{
    DotNetBuild(solution, new DotNetBuildSettings { Configuration = configuration, NoRestore = true });
});

Task("Test")
    .IsDependentOn("Build")
    .Does(() =>
{
    DotNetTest(solution, new DotNetTestSettings
    {
        Configuration = configuration,
        NoBuild = true,
        NoRestore = true,
        ResultsDirectory = testResults,
        // Normal verbosity names every test as it passes: the command shows progress instead of minutes of silence.
        Loggers = { "trx", "console;verbosity=normal" },
    });
});

Task("Pack")
    .IsDependentOn("Build")
    .Does(() =>
{
    // One node: the matcalc tool's inner packs (NotebookCalc.Cli.linux-x64 with the Native AOT front end, about a minute
    // and a half of AOT compile; NotebookCalc.Cli.any) share the build output and must not run side by side.
    var native = NativeToolchain();
    DotNetPack(solution, new DotNetPackSettings { Configuration = configuration, NoBuild = true, NoRestore = true, OutputDirectory = packages,
        MSBuildSettings = new DotNetMSBuildSettings { MaxCpuCount = 1 }.WithProperty("MatcalcNativeTool", native ? "true" : "false") });
    NativeToolParity();
    CoreImageCheck();

    // The notebook package: the extension script at the path the kernel looks for, and no dependency on the host.
    var nupkg = GetFiles($"{packages}/NotebookCalc.[0-9]*.nupkg").Single();
    using var zip = System.IO.Compression.ZipFile.OpenRead(nupkg.FullPath);
    if (zip.GetEntry("interactive-extensions/dotnet/extension.dib") is null)
        throw new Exception($"{nupkg.GetFilename()} lacks interactive-extensions/dotnet/extension.dib");
    using var nuspec = new StreamReader(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec")).Open());
    var spec = nuspec.ReadToEnd();
    if (spec.Contains("Microsoft.DotNet.Interactive"))
        throw new Exception($"{nupkg.GetFilename()} must not depend on Microsoft.DotNet.Interactive packages");
    Information($"{nupkg.GetFilename()}: extension.dib present, no Microsoft.DotNet.Interactive dependency.");
});

/// <summary>
/// Native AOT links the native matcalc with the platform's C toolchain and zlib. On Linux without them, apt-get installs
/// clang and zlib1g-dev (as Restore does for Chromium); if that cannot be done, or with --native-tool=false, the tool is
/// packed portable only (the native front end is a start-up optimisation, not a feature) and a warning says so.
/// </summary>
bool NativeToolchain()
{
    if (Argument("native-tool", "true") == "false") { Information("--native-tool=false: the matcalc tool is packed portable only."); return false; }
    if (!IsRunningOnLinux()) return true; // the project packs the native tool on linux-x64 only
    static bool Ready() => (System.IO.File.Exists("/usr/bin/cc") || System.IO.File.Exists("/usr/bin/clang")) && System.IO.File.Exists("/usr/include/zlib.h");
    if (!Ready() && System.IO.File.Exists("/usr/bin/apt-get"))
    {
        Information("Installing clang and zlib1g-dev for the Native AOT matcalc (apt-get) …");
        var env = new Dictionary<string, string> { ["DEBIAN_FRONTEND"] = "noninteractive" };
        if (StartProcess("apt-get", new ProcessSettings { Arguments = "update -qq", EnvironmentVariables = env }) == 0)
            StartProcess("apt-get", new ProcessSettings { Arguments = "install -y -qq clang zlib1g-dev", EnvironmentVariables = env });
    }
    if (Ready()) return true;
    Warning("No C toolchain with zlib (Debian: apt-get install clang zlib1g-dev): the matcalc tool is packed portable only (no Native AOT front end).");
    return false;
}

/// <summary>
/// NotebookCalc.Core's package carries a ReadyToRun image (the first #!matcalc in a notebook JIT-compiles less) compiled from
/// exactly the library that was built: same module version id as bin/…/NotebookCalc.Core.dll, so never a stale image.
/// </summary>
void CoreImageCheck()
{
    static (Guid Mvid, bool ReadyToRun) Inspect(Stream stream)
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        copy.Position = 0;
        using var pe = new System.Reflection.PortableExecutable.PEReader(copy);
        var md = System.Reflection.Metadata.PEReaderExtensions.GetMetadataReader(pe);
        return (md.GetGuid(md.GetModuleDefinition().Mvid), pe.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory.Size > 0);
    }
    var nupkg = GetFiles($"{packages}/NotebookCalc.Core.[0-9]*.nupkg").Single();
    using var zip = System.IO.Compression.ZipFile.OpenRead(nupkg.FullPath);
    using var packed = zip.GetEntry("lib/net10.0/NotebookCalc.Core.dll")!.Open();
    var inPackage = Inspect(packed);
    using var built = System.IO.File.OpenRead($"./src/NotebookCalc.Core/bin/{configuration}/net10.0/NotebookCalc.Core.dll");
    var library = Inspect(built);
    if (inPackage.Mvid != library.Mvid) throw new Exception($"{nupkg.GetFilename()} holds another build of NotebookCalc.Core.dll than bin/{configuration} (a stale ReadyToRun image)");
    if (!inPackage.ReadyToRun) Warning($"{nupkg.GetFilename()}: NotebookCalc.Core.dll is IL only (no ReadyToRun image of this build was found)");
    else Information($"{nupkg.GetFilename()}: NotebookCalc.Core.dll is the ReadyToRun image of this build.");
}

/// <summary>
/// The installed tool against the build output: on linux-x64 `dotnet tool install` picks NotebookCalc.Cli.linux-x64, whose
/// command is the Native AOT front end; every command must print the same bytes on stdout and stderr, with the same exit
/// code, as `dotnet matcalc.dll` (render and .dib are handed to matcalc.dll and are compared too).
/// </summary>
void NativeToolParity()
{
    var toolDir = artifacts.Combine("tool");
    if (DirectoryExists(toolDir)) DeleteDirectory(toolDir, new DeleteDirectorySettings { Recursive = true, Force = true });
    var install = StartProcess("dotnet", new ProcessSettings { Arguments = new ProcessArgumentBuilder().Append("tool").Append("install").Append("NotebookCalc.Cli")
        .Append("--tool-path").AppendQuoted(toolDir.FullPath).Append("--add-source").AppendQuoted(packages.FullPath), RedirectStandardOutput = true });
    if (install != 0) throw new Exception("dotnet tool install NotebookCalc.Cli from artifacts/packages failed");
    var tool = toolDir.CombineWithFilePath(IsRunningOnWindows() ? "matcalc.exe" : "matcalc").FullPath;
    var dll = MakeAbsolute(File($"./src/NotebookCalc.Cli/bin/{configuration}/net10.0/matcalc.dll")).FullPath;
    var work = artifacts.Combine("tool-parity");
    CleanDirectory(work);
    var values = work.CombineWithFilePath("values.json").FullPath;
    System.IO.File.WriteAllText(values, "{\"A\": [[1,2],[3,4]], \"B\": [[0,1],[1,0]]}");
    var dib = work.CombineWithFilePath("lesson.dib").FullPath;
    System.IO.File.WriteAllText(dib, "#!markdown\n\n# A .dib lesson\n\n#!csharp\n\n#!matcalc gradient \"tr(A X)\" --wrt X --where \"A: n x m; X: m x n\"\n");
    var unit = MakeAbsolute(Directory("./curriculum/01-notation-and-frobenius")).FullPath;
    var where = "X: a x b; W: b x c; Z: c x b";
    var commands = new List<string[]>
    {
        new[] { "--version" }, new[] { "--help" }, new[] { "gradient", "--help" }, new[] { "render", "--help" },
        new[] { "show", "λ₁/2 tr(W Wᵀ) + λ₂/2 tr(W Ω⁻¹ Wᵀ)", "--where", "W: n x m; Ω: m x m symmetric; λ1, λ2: scalar" },
        new[] { "show", "tr(X)", "--where", "X: n x n", "--format", "json" },
        new[] { "show", "tr(X", "--format", "latex" },
        new[] { "eval", "tr(A B)", "--at", values }, new[] { "eval", "A B", "--at", values, "--format", "json" },
        new[] { "gradient", "norm(X W Z - X)^2", "--wrt", "W", "--where", where },
        new[] { "gradient", "norm(X W Z - X)^2", "--wrt", "W", "--where", where, "--format", "json" },
        new[] { "gradient", "ln det(W W' + s^2 I)", "--wrt", "W", "--format", "html" },
        new[] { "hessian", "tr(X' A X)", "--wrt", "X", "--where", "A: n x n; X: n x m" },
        new[] { "jacobian", "softmax(x)", "--wrt", "x", "--where", "x: n x 1", "--format", "json" },
        new[] { "check", "norm(X W Z - X)^2", "--wrt", "W", "--claim", "2 X' (X W Z - X) Z'", "--where", where },
        new[] { "check", "norm(X W Z - X)^2", "--wrt", "W", "--claim", "2 X' X W Z Z'", "--where", where, "--format", "json" },
        new[] { "grade", System.IO.Path.Combine(unit, "solutions.ipynb"), "--key", System.IO.Path.Combine(unit, "key.json"), "--format", "json" },
        new[] { "grade", dib, "--key", System.IO.Path.Combine(unit, "key.json") },
        new[] { "render", dib, "--out", work.Combine("site").FullPath },
        new[] { "gradent", "tr(X)" }, new[] { "show", "tr(X)", "--frmat", "json" },
    };
    var differ = new List<string>();
    foreach (var c in commands)
    {
        (int Exit, string Out, string Err) Run(string file, IEnumerable<string> args)
        {
            var psi = new System.Diagnostics.ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in args) psi.ArgumentList.Add(a);
            using var p = System.Diagnostics.Process.Start(psi);
            var o = p.StandardOutput.ReadToEndAsync();
            var e = p.StandardError.ReadToEnd();
            p.WaitForExit();
            return (p.ExitCode, o.Result, e);
        }
        var jit = Run("dotnet", new[] { dll }.Concat(c));
        var native = Run(tool, c);
        if (jit != native) differ.Add($"matcalc {string.Join(" ", c)}: exit {native.Exit} vs {jit.Exit}; stdout {(native.Out == jit.Out ? "same" : "differs")}; stderr {(native.Err == jit.Err ? "same" : "differs")}");
    }
    if (differ.Count > 0) throw new Exception("The installed matcalc differs from matcalc.dll:\n" + string.Join("\n", differ));
    Information($"Installed matcalc ({tool}) and matcalc.dll agree byte for byte on {commands.Count} command lines.");
}

Task("Jupyter")
    .IsDependentOn("Build")
    .Does(() =>
{
    // The worked notebooks through Jupyter's own client (nbclient via nbconvert) against the installed .NET kernel,
    // as a JupyterLab user runs them. Needs Debian's jupyter-nbconvert, python3-nbclient and jupyter-client, and the
    // kernel registered with `dotnet interactive jupyter install` (global tool Microsoft.dotnet-interactive).
    // The notebooks load NotebookCalc 0.1.0 from a folder feed of the freshly packed package (#i is prepended to a
    // copy) with a fresh NuGet package folder, so no stale package is used. Executed copies land in artifacts/jupyter.
    var outDir = artifacts.Combine("jupyter");
    var feed = outDir.Combine("feed");
    CleanDirectory(outDir);
    foreach (var project in new[] { "NotebookCalc.Core", "NotebookCalc" })
        DotNetPack($"./src/{project}/{project}.csproj", new DotNetPackSettings { Configuration = configuration, NoBuild = true, NoRestore = true, OutputDirectory = feed });
    var nugetPackages = outDir.Combine("nuget-packages");
    var failures = new List<string>();
    foreach (var notebook in GetFiles("./notebooks/*.ipynb").OrderBy(f => f.FullPath, StringComparer.Ordinal))
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse(System.IO.File.ReadAllText(notebook.FullPath))!.AsObject();
        // The .NET kernel's Jupyter name, as `dotnet interactive jupyter install` registers it.
        json["metadata"]!["kernelspec"] = System.Text.Json.Nodes.JsonNode.Parse("{\"display_name\": \".NET (C#)\", \"language\": \"C#\", \"name\": \".net-csharp\"}");
        var cells = json["cells"]!.AsArray();
        cells.Insert(0, System.Text.Json.Nodes.JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["cell_type"] = "code", ["id"] = "matcalc-test-feed", ["metadata"] = new Dictionary<string, object>(), ["outputs"] = Array.Empty<object>(),
            ["execution_count"] = null, ["source"] = new[] { $"#i \"nuget: {feed.FullPath}\"" },
        })));
        var input = outDir.CombineWithFilePath(notebook.GetFilename());
        System.IO.File.WriteAllText(input.FullPath, json.ToJsonString());
        var settings = new ProcessSettings
        {
            Arguments = new ProcessArgumentBuilder().Append("nbconvert").Append("--to").Append("notebook").Append("--execute")
                .AppendQuoted(input.FullPath).Append("--output").AppendQuoted(notebook.GetFilenameWithoutExtension() + ".executed")
                .Append("--ExecutePreprocessor.timeout=600"),
            EnvironmentVariables = new Dictionary<string, string> { ["NUGET_PACKAGES"] = nugetPackages.FullPath, ["DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT"] = "1" },
        };
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var exit = StartProcess("jupyter", settings);
        var executed = outDir.CombineWithFilePath(notebook.GetFilenameWithoutExtension() + ".executed.ipynb");
        if (exit != 0 || !System.IO.File.Exists(executed.FullPath)) { failures.Add($"{notebook.GetFilename()}: jupyter nbconvert exit code {exit}"); continue; }
        // Every code cell ran; none shows an error output, and every #!matcalc cell displays NotebookCalc HTML (MathML, a chart).
        var done = System.Text.Json.Nodes.JsonNode.Parse(System.IO.File.ReadAllText(executed.FullPath))!["cells"]!.AsArray();
        var errors = 0; var matcalcWithoutMath = 0;
        foreach (var cell in done.OfType<System.Text.Json.Nodes.JsonObject>().Where(c => (string?)c["cell_type"] == "code"))
        {
            var outputs = cell["outputs"]!.AsArray().OfType<System.Text.Json.Nodes.JsonObject>().ToList();
            errors += outputs.Count(o => (string?)o["output_type"] == "error");
            var source = string.Concat(cell["source"]!.AsArray().Select(l => (string?)l));
            if (source.Split('\n').Any(l => l.StartsWith("#!matcalc", StringComparison.Ordinal)) && !outputs.Any(o => o["data"]?["text/html"] is { } h && h.ToJsonString().Contains("matcalc")))
                matcalcWithoutMath++;
        }
        Information($"{notebook.GetFilename()}: executed by Jupyter in {watch.Elapsed.TotalSeconds:F0} s; error outputs: {errors}; #!matcalc cells without NotebookCalc HTML: {matcalcWithoutMath}");
        if (errors > 0 || matcalcWithoutMath > 0) failures.Add($"{notebook.GetFilename()}: {errors} error outputs, {matcalcWithoutMath} #!matcalc cells without NotebookCalc HTML");
    }
    if (failures.Count > 0) throw new Exception("Jupyter: " + string.Join("; ", failures));
    Information($"Jupyter: every notebook of notebooks/ executed without an error output (executed copies in {outDir}).");
});

Task("Example")
    .IsDependentOn("Build")
    .Does(() =>
{
    // The main job ends by running the tool the way a user would.
    var cli = $"./src/NotebookCalc.Cli/bin/{configuration}/net10.0/matcalc.dll";
    var exit = StartProcess("dotnet", new ProcessSettings
    {
        Arguments = new ProcessArgumentBuilder().AppendQuoted(cli).Append("show")
            .AppendQuoted("λ₁/2 tr(W Wᵀ) + λ₂/2 tr(W Ω⁻¹ Wᵀ)").Append("--where").AppendQuoted("W: n x m; Ω: m x m symmetric; λ1, λ2: scalar"),
    });
    if (exit != 0) throw new Exception($"matcalc example failed with exit code {exit}");
});

Task("Bench")
    .Does(() =>
{
    // BenchmarkDotNet: per seed problem (parse + derivation + simplification + check) and scaling with expression size.
    // Results (markdown/CSV) land in artifacts/bench/results.
    var filter = Argument("filter", "*");
    DotNetRun("./bench/NotebookCalc.Bench/NotebookCalc.Bench.csproj", new ProcessArgumentBuilder()
        .Append("--filter").AppendQuoted(filter).Append("--artifacts").AppendQuoted(artifacts.Combine("bench").FullPath),
        new DotNetRunSettings { Configuration = "Release" });
});

Task("Peers")
    .Does(() =>
{
    // NotebookCalc and SymPy side by side on the SymPy conformance set and the source problems → docs/peers.md.
    // Needs python3 with SymPy (Debian: python3-sympy); installs nothing, and says so when SymPy is missing.
    var reps = Argument("reps", "7");
    DotNetRun("./bench/NotebookCalc.Bench/NotebookCalc.Bench.csproj", new ProcessArgumentBuilder().Append("peers").Append("--reps").Append(reps),
        new DotNetRunSettings { Configuration = "Release" });
});

Task("Fuzz")
    .Does(() =>
{
    // Issue 12, item 9: generated valid and malformed inputs through parser, binder, the three methods and the check, and
    // generated functions whose gradients are compared with independent finite differences. Counts and failure classes
    // are printed; failing inputs (minimised) land in artifacts/fuzz/failures.jsonl; any failure fails the target.
    // The tests run a short slice (FuzzSliceTests). Options: --count=100000 --seed=1 --hang=20 (seconds before an input counts as hung).
    DotNetRun("./tests/NotebookCalc.Fuzz/NotebookCalc.Fuzz.csproj", new ProcessArgumentBuilder()
        .Append("--count").Append(Argument("count", "100000")).Append("--seed").Append(Argument("seed", "1"))
        .Append("--hang").Append(Argument("hang", "20"))
        .Append("--out").AppendQuoted(artifacts.Combine("fuzz").CombineWithFilePath("failures.jsonl").FullPath),
        new DotNetRunSettings { Configuration = "Release" });
});

Task("Scaling")
    .Does(() =>
{
    // BenchmarkDotNet series (size of f, power k, factors of a product, matrix size of the check), in-process,
    // → the Scaling section of docs/performance.md with SVG charts in docs/images/perf-*.svg.
    var args = new ProcessArgumentBuilder().Append("scaling").Append("--artifacts").AppendQuoted(artifacts.Combine("bench").FullPath);
    if (HasArgument("filter")) args.Append("--filter").AppendQuoted(Argument<string>("filter"));
    DotNetRun("./bench/NotebookCalc.Bench/NotebookCalc.Bench.csproj", args, new DotNetRunSettings { Configuration = "Release" });
});

Task("StartupBench")
    .IsDependentOn("Build")
    .Does(() =>
{
    // matcalc as whole processes (built matcalc.dll, and the packed tool installed into artifacts/tool when present —
    // run `--target=Pack` first to include it), beside a cold python3 + SymPy process when SymPy is installed (Debian:
    // python3-sympy), and `grade` on 200 generated submissions → the Start-up and Throughput sections of docs/performance.md.
    var dll = MakeAbsolute(File($"./src/NotebookCalc.Cli/bin/{configuration}/net10.0/matcalc.dll")).FullPath;
    var args = new ProcessArgumentBuilder().Append("startup").Append("--cli").AppendQuoted($"build output (dotnet matcalc.dll)={dll}")
        .Append("--runs").Append(Argument("runs", "7")).Append("--students").Append(Argument("students", "200"));
    var toolDir = artifacts.Combine("tool");
    if (GetFiles($"{packages}/NotebookCalc.Cli.*.nupkg").Any())
    {
        if (DirectoryExists(toolDir)) DeleteDirectory(toolDir, new DeleteDirectorySettings { Recursive = true, Force = true });
        var exit = StartProcess("dotnet", new ProcessSettings { Arguments = new ProcessArgumentBuilder().Append("tool").Append("install").Append("NotebookCalc.Cli")
            .Append("--tool-path").AppendQuoted(toolDir.FullPath).Append("--add-source").AppendQuoted(packages.FullPath) });
        if (exit == 0) args.Append("--cli").AppendQuoted($"installed tool (matcalc, native front end)={toolDir.CombineWithFilePath("matcalc").FullPath}");
        else Warning("dotnet tool install from artifacts/packages failed: the installed tool is not measured.");
    }
    DotNetRun("./bench/NotebookCalc.Bench/NotebookCalc.Bench.csproj", args, new DotNetRunSettings { Configuration = "Release", NoRestore = true });
});

Task("ExtensionBench")
    .IsDependentOn("Build")
    .Does(() =>
{
    // The notebook package in the real kernel: `#r "nuget: NotebookCalc"` and the first `#!matcalc gradient`, fresh and
    // warm NuGet package folder → the Extension load section of docs/performance.md. Packs the built NotebookCalc and
    // NotebookCalc.Core twice — as released (NotebookCalc.Core as a ReadyToRun image) and with IL only — into
    // artifacts/extension-feed/*, measured side by side (the kernels get their own empty NuGet folders: no stale package).
    var args = new ProcessArgumentBuilder().Append("extension").Append("--runs").Append(Argument("runs", "3"));
    foreach (var (label, r2r) in new[] { ("released (Core ReadyToRun)", true), ("IL only", false) })
    {
        var feed = artifacts.Combine("extension-feed").Combine(r2r ? "r2r" : "il");
        CleanDirectory(feed);
        foreach (var project in new[] { "NotebookCalc.Core", "NotebookCalc" })
            DotNetPack($"./src/{project}/{project}.csproj", new DotNetPackSettings { Configuration = configuration, NoBuild = true, NoRestore = true, OutputDirectory = feed,
                MSBuildSettings = new DotNetMSBuildSettings().WithProperty("MatcalcReadyToRun", r2r ? "true" : "false") });
        args.Append("--feed").AppendQuoted($"{label}={feed.FullPath}");
    }
    DotNetRun("./bench/NotebookCalc.Bench/NotebookCalc.Bench.csproj", args, new DotNetRunSettings { Configuration = "Release", NoRestore = true });
});

Task("Performance")
    .IsDependentOn("StartupBench")
    .IsDependentOn("ExtensionBench")
    .IsDependentOn("Scaling");

Task("Site")
    .IsDependentOn("Build")
    .Does(() =>
{
    // Executes every worked notebook and every curriculum unit's lesson and exercise sheet and writes artifacts/site.
    // The solutions are instructor material: they are executed by the tests, not published on the site.
    var notebooks = GetFiles("./notebooks/*.ipynb").Concat(GetFiles("./curriculum/**/*.ipynb"))
        .Where(f => f.GetFilename().FullPath != "solutions.ipynb").Select(f => f.FullPath)
        .OrderBy(p => System.IO.Path.GetDirectoryName(p), StringComparer.Ordinal)
        .ThenBy(p => System.IO.Path.GetFileName(p) switch { "lesson.ipynb" => 0, "exercises.ipynb" => 1, _ => 2 })
        .ThenBy(p => p, StringComparer.Ordinal).ToList();
    var cli = $"./src/NotebookCalc.Cli/bin/{configuration}/net10.0/matcalc.dll";
    var args = new ProcessArgumentBuilder().AppendQuoted(cli).Append("render");
    foreach (var n in notebooks) args.AppendQuoted(n);
    args.Append("--out").AppendQuoted(artifacts.Combine("site").FullPath);
    var exit = StartProcess("dotnet", new ProcessSettings { Arguments = args });
    if (exit != 0) throw new Exception($"matcalc render failed with exit code {exit}");
    Information($"Site: {artifacts.Combine("site").FullPath}/index.html");
});

Task("Default")
    .IsDependentOn("Site")
    .IsDependentOn("Test")
    .IsDependentOn("Pack")
    .IsDependentOn("Example");

RunTarget(target);
