namespace NotebookCalc.Cli;

/// <summary>
/// `matcalc grade` over many submissions: the notebooks are graded in parallel (one per core), the grades come back in the
/// order of the submissions (the output does not depend on scheduling), and on a terminal a progress bar counts them.
/// </summary>
public static class GradeRun
{
    public static List<Grade> GradeAll(IReadOnlyList<string> paths, IReadOnlyList<KeyExercise> key, TextWriter stderr)
    {
        var interactive = ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected;
        var results = new IReadOnlyList<Grade>[paths.Count];
        var done = 0;
        var gate = new object();
        Parallel.For(0, paths.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var path = paths[i];
            string json;
            try { json = NotebookFiles.ReadAsIpynb(path, File.ReadAllText(path)); }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
            {
                results[i] = [new Grade(Path.GetFileNameWithoutExtension(path), "*", "invalid", $"cannot read {path}: {ex.Message}")];
                Progress();
                return;
            }
            results[i] = Grader.GradeNotebook(path, json, key);
            Progress();
        });
        // The progress bar redraws one terminal line on stderr; redirected (a log, a pipe) it would only add noise.
        if (interactive && paths.Count > 0) stderr.WriteLine();
        return results.SelectMany(r => r).ToList();

        void Progress()
        {
            var n = Interlocked.Increment(ref done);
            if (!interactive) return;
            lock (gate)
                stderr.Write($"\rgrading [{new string('#', n * 20 / paths.Count).PadRight(20)}] {n}/{paths.Count}".PadRight(50));
        }
    }
}
