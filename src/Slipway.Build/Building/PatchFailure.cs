using System.Text.RegularExpressions;

namespace Slipway.Build.Building;

/// <summary>Reads the file and hunk that failed from the output of <c>patch</c> and <c>git apply</c> (pure).</summary>
public static partial class PatchFailure
{
    /// <summary>"file hello.c, hunk #2 at line 14" or the best that the output allows.</summary>
    public static string Describe(string patchOutput, string gitApplyOutput)
    {
        ArgumentNullException.ThrowIfNull(patchOutput);
        ArgumentNullException.ThrowIfNull(gitApplyOutput);
        string? file = null;
        var failures = new List<string>();
        foreach (var line in patchOutput.Split('\n'))
        {
            if (FilePattern().Match(line) is { Success: true } fileMatch)
            {
                file = fileMatch.Groups[1].Value.Trim().Trim('\'');
            }
            else if (HunkPattern().Match(line) is { Success: true } hunk)
            {
                failures.Add($"file {file ?? "?"}, hunk #{hunk.Groups[1].Value} at line {hunk.Groups[2].Value}");
            }
            else if (line.Contains("can't find file to patch", StringComparison.Ordinal))
            {
                failures.Add("a file it patches does not exist");
            }
        }

        if (failures.Count > 0)
        {
            return string.Join("; ", failures.Distinct(StringComparer.Ordinal));
        }

        // patch said nothing usable: git apply names the file and the line of the first hunk that failed.
        return GitPattern().Match(gitApplyOutput) is { Success: true } git
            ? $"file {git.Groups[1].Value}, hunk at line {git.Groups[2].Value}"
            : (patchOutput + gitApplyOutput).Trim();
    }

    [GeneratedRegex(@"^(?:checking|patching) file (.+)$")]
    private static partial Regex FilePattern();

    [GeneratedRegex(@"^Hunk #(\d+) FAILED at (\d+)")]
    private static partial Regex HunkPattern();

    [GeneratedRegex(@"error: patch failed: (.+):(\d+)")]
    private static partial Regex GitPattern();
}
