using System.Runtime.CompilerServices;
using Shouldly;

namespace Slipway.Testing;

/// <summary>
/// Compares user-visible text with a file under the test project's <c>Expectations/</c> folder. Set
/// <c>SLIPWAY_UPDATE_GOLDEN=1</c> to rewrite the files from the current output (then review the diff).
/// </summary>
public static class Golden
{
    public static void Verify(string actual, string area, string name, [CallerFilePath] string callerFile = "")
    {
        var projectDir = FindProjectDir(Path.GetDirectoryName(callerFile)!);
        var path = Path.Combine(projectDir, "Expectations", area, name + ".txt");
        var normalized = actual.Replace("\r\n", "\n", StringComparison.Ordinal);
        if (Environment.GetEnvironmentVariable("SLIPWAY_UPDATE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, normalized);
            return;
        }

        if (!File.Exists(path))
        {
            throw new ShouldAssertException(
                $"No golden file {path}. Run the tests with SLIPWAY_UPDATE_GOLDEN=1 to create it, then review it.\nActual:\n{normalized}");
        }

        var expected = File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal);
        normalized.ShouldBe(expected, $"golden file {path} (SLIPWAY_UPDATE_GOLDEN=1 rewrites it)");
    }

    private static string FindProjectDir(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (dir.EnumerateFiles("*.csproj").Any())
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No project folder above {start}.");
    }
}
