using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using NotebookCalc.Tests.Support;

namespace NotebookCalc.Tests.Browser;

/// <summary>
/// The rendered notebooks and course as a reader sees them, in headless Chromium (Debian's `chromium`; `dotnet cake`
/// installs it when missing): no element whose content overflows its box or hides behind a scrollbar, no raw
/// underscores or TeX in visible text, every &lt;math&gt; laid out (fractions stacked, superscripts raised) — on a wide
/// screen (three columns) and a narrow one (stacked). The checks are in pagecheck.js.
/// </summary>
public class PageTests
{
    private static readonly int[] Widths = [1400, 420];

    internal static string Chromium()
    {
        var candidates = new[] { Environment.GetEnvironmentVariable("MATCALC_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" };
        return candidates.FirstOrDefault(c => !string.IsNullOrEmpty(c) && File.Exists(c))
            ?? throw new InvalidOperationException("Chromium is not installed: the page tests need it (Debian: apt-get install chromium; `dotnet cake --target=Restore` installs it as root), or set MATCALC_CHROMIUM to a Chromium executable.");
    }

    internal sealed record Problem(string Kind, string Where, string Text);

    internal sealed record PageReport(string Page, string Width, int Maths, List<Problem> Problems);

    /// <summary>Loads every page at every width in one headless Chromium and returns what pagecheck.js found.</summary>
    internal static List<PageReport> Check(string site, IReadOnlyList<string> pages)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Browser", "pagecheck.js");
        var harness = new System.Text.StringBuilder("<!doctype html><html><head><meta charset=\"utf-8\">")
            .Append($"<script src=\"{new Uri(script).AbsoluteUri}\"></script></head><body>");
        foreach (var w in Widths)
            foreach (var p in pages)
                harness.Append($"<iframe data-page=\"{WebUtility.HtmlEncode(p)}\" data-width=\"{w}\" src=\"{new Uri(Path.Combine(site, p)).AbsoluteUri}\" style=\"width:{w}px;height:900px;border:0\"></iframe>");
        harness.Append("</body></html>");
        var harnessPath = Path.Combine(site, "matcalc-pagecheck.html");
        File.WriteAllText(harnessPath, harness.ToString());
        var profile = Directory.CreateTempSubdirectory("matcalc-chromium-");
        try
        {
            var psi = new ProcessStartInfo(Chromium())
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--allow-file-access-from-files",
                         $"--user-data-dir={profile.FullName}", "--virtual-time-budget=30000", "--dump-dom", new Uri(harnessPath).AbsoluteUri })
                psi.ArgumentList.Add(a);
            using var chromium = Process.Start(psi)!;
            var stderr = chromium.StandardError.ReadToEndAsync();
            var dom = chromium.StandardOutput.ReadToEndAsync();
            if (!chromium.WaitForExit(TimeSpan.FromMinutes(4)))
            {
                chromium.Kill(entireProcessTree: true);
                throw new TimeoutException("headless Chromium did not finish the page check in 4 minutes");
            }
            var report = Regex.Match(dom.Result, "<pre id=\"matcalc-report\">([\\s\\S]*?)</pre>");
            Assert.True(report.Success, $"no report from Chromium (exit {chromium.ExitCode}): {stderr.Result[..Math.Min(2000, stderr.Result.Length)]}");
            return JsonSerializer.Deserialize<List<PageReport>>(WebUtility.HtmlDecode(report.Groups[1].Value), new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;
        }
        finally
        {
            profile.Delete(recursive: true);
        }
    }

    [Fact]
    public void The_notebooks_and_the_course_read_well_in_a_browser_on_wide_and_narrow_screens()
    {
        var root = Katex.RepoRoot();
        var notebooks = Directory.GetFiles(Path.Combine(root, "notebooks"), "*.ipynb")
            .Concat(Directory.GetFiles(Path.Combine(root, "curriculum"), "*.ipynb", SearchOption.AllDirectories).Where(f => Path.GetFileName(f) != "solutions.ipynb"))
            .Order(StringComparer.Ordinal).ToList();
        var site = Directory.CreateTempSubdirectory("matcalc-site-");
        try
        {
            var (code, _, err) = NotebookCalc.Tests.Cli.CliTests.Run([.. notebooks.Prepend("render"), "--out", site.FullName]);
            Assert.True(code == 0, err);
            var pages = Directory.GetFiles(site.FullName, "*.html").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();
            Assert.Equal(notebooks.Count + 1, pages.Count); // a page per notebook and the index
            var reports = Check(site.FullName, pages);
            Assert.Equal(pages.Count * Widths.Length, reports.Count);
            Assert.True(reports.Sum(r => r.Maths) > 1000, "the pages show hardly any mathematics: was MathML rendered at all?");
            var problems = reports.SelectMany(r => r.Problems.Select(p => $"{r.Page} at {r.Width}px: {p.Kind}: {p.Where}: {p.Text}")).ToList();
            Assert.True(problems.Count == 0, $"{problems.Count} problems:\n" + string.Join("\n", problems.Take(40)));
        }
        finally
        {
            site.Delete(recursive: true);
        }
    }

    [Fact]
    public void The_page_check_finds_overflow_scrollbars_raw_TeX_and_unlaid_math()
    {
        // A page with one of each fault, so the check above cannot pass by finding nothing.
        var site = Directory.CreateTempSubdirectory("matcalc-pagecheck-");
        try
        {
            const string math = "http://www.w3.org/1998/Math/MathML";
            File.WriteAllText(Path.Combine(site.FullName, "bad.html"),
                "<!doctype html><html><body style=\"margin:0\"><div style=\"width:200px\">" +
                "<div id=\"scroll\" style=\"overflow-x:auto\"><span style=\"display:inline-block;width:400px\">wide</span></div>" +
                "<pre id=\"spill\">a line of preformatted text that is much longer than two hundred pixels</pre>" +
                "<p>the entry X_ab and \\frac{a}{b} in prose</p><p><code>code_name is fine</code></p>" +
                $"<p><math xmlns=\"{math}\"><mfrac><mi>a</mi><mi>b</mi></mfrac></math></p>" +
                "<p><span style=\"display:inline-block;width:500px\">a box wider than its paragraph</span></p>" +
                "</div><p><mfrac><mi>x</mi><mi>y</mi></mfrac> outside math</p></body></html>");
            File.WriteAllText(Path.Combine(site.FullName, "good.html"),
                $"<!doctype html><html><body><p>X<sub>ab</sub> <math xmlns=\"{math}\"><msup><mi>A</mi><mo>⊤</mo></msup></math></p><pre><code>snake_case</code></pre></body></html>");
            var reports = Check(site.FullName, ["bad.html", "good.html"]);
            Assert.All(reports.Where(r => r.Page == "good.html"), r => Assert.Empty(r.Problems));
            foreach (var bad in reports.Where(r => r.Page == "bad.html"))
            {
                var kinds = bad.Problems.Select(p => p.Kind).ToList();
                Assert.Contains("scrolls", kinds);
                Assert.Contains(bad.Problems, p => p.Kind == "overflows" && p.Where.Contains(">pre in", StringComparison.Ordinal));
                Assert.Contains(bad.Problems, p => p.Kind == "overflows" && p.Where.Contains("p>span in", StringComparison.Ordinal));
                Assert.Single(bad.Problems, p => p.Kind == "raw-text" && p.Text.Contains("X_ab")); // one per text node
                Assert.Contains("fraction-not-stacked", kinds);
                Assert.DoesNotContain(bad.Problems, p => p.Text.Contains("code_name"));
            }
        }
        finally
        {
            site.Delete(recursive: true);
        }
    }
}
