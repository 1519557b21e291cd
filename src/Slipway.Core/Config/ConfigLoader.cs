using System.Globalization;
using System.Text;
using Slipway.Core.Config.Internal;

namespace Slipway.Core.Config;

/// <summary>
/// Reads <c>slipway.yml</c> into a <see cref="SlipwayConfig"/>, reporting every problem at once as a
/// <see cref="ConfigDiagnostic"/>. Never throws for bad input: a missing file, broken YAML or a wrong value all
/// come back as diagnostics.
/// </summary>
public static class ConfigLoader
{
    public const long MaxFileBytes = 1024 * 1024;

    public const string MinimalExample =
        "application: mysite\ndeploy_to: /srv/mysite\nstages:\n  production:\n    hosts:\n      - { host: example.com }";

    /// <param name="path">As the user gave it; used in messages.</param>
    /// <param name="environment">Looks up <c>${VAR}</c>; defaults to the process environment.</param>
    public static ConfigLoadResult Load(string path, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var text = ReadBounded(path, out var problem);
        if (text is null)
        {
            return Fail(path, problem!);
        }

        var result = Parse(text, path, environment);
        return result.Config is null ? result : result with { Config = result.Config with { SourceFile = Path.GetFullPath(path) } };
    }

    public static ConfigLoadResult Parse(string yaml, string fileName, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(fileName);
        if (Encoding.UTF8.GetByteCount(yaml) is var bytes && bytes > MaxFileBytes)
        {
            return Fail(fileName, TooBig(bytes));
        }

        var context = new BindContext(fileName, environment ?? Environment.GetEnvironmentVariable);
        try
        {
            var root = YamlTreeReader.Read(yaml, context, out var empty);
            if (empty && !context.HasErrors)
            {
                return Fail(fileName, "is empty; a minimal slipway.yml is:\n" + MinimalExample);
            }

            var config = root is null ? null : RootBinder.Bind(root, context, fileName);
            return new ConfigLoadResult(context.HasErrors ? null : config, context.Diagnostics);
        }
#pragma warning disable CA1031 // Any bug of ours must still reach the user as one readable line, not a stack trace.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            context.Error(default(SourceLocation), "",
                $"internal error while reading the file ({ex.GetType().Name}: {ex.Message}); please report this");
            return new ConfigLoadResult(null, context.Diagnostics);
        }
    }

    /// <summary>The file's text, reading at most one byte past the limit so a huge file is never read whole.</summary>
    internal static string? ReadBounded(string path, out string? problem)
    {
        problem = null;
        try
        {
            if (Directory.Exists(path))
            {
                problem = "is a directory, not a file";
                return null;
            }

            if (!File.Exists(path))
            {
                problem = "file not found (run 'slipway init' to create one)";
                return null;
            }

            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            if (stream.CanSeek && stream.Length > MaxFileBytes)
            {
                problem = TooBig(stream.Length);
                return null;
            }

            var buffer = new byte[MaxFileBytes + 1];
            var total = 0;
            int read;
            while (total < buffer.Length && (read = stream.Read(buffer, total, buffer.Length - total)) > 0)
            {
                total += read;
            }

            if (total > MaxFileBytes)
            {
                problem = TooBig(total);
                return null;
            }

            // Honour a UTF-8 BOM; anything else is read as UTF-8, like every other YAML tool.
            var offset = total >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF ? 3 : 0;
            return Encoding.UTF8.GetString(buffer, offset, total - offset);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problem = "cannot be read: " + ex.Message;
            return null;
        }
    }

    private static string TooBig(long bytes) =>
        $"is {(bytes / 1024.0 / 1024.0).ToString("0.0", CultureInfo.InvariantCulture)} MB; " +
        $"slipway.yml may be at most {MaxFileBytes / 1024 / 1024} MB";

    private static ConfigLoadResult Fail(string file, string message) =>
        new(null, [new ConfigDiagnostic(DiagnosticSeverity.Error, file, default, "", message)]);
}
