using System.ComponentModel;
using System.Text.RegularExpressions;
using Slipway.Cli.Output;
using Slipway.Core.Config;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Slipway.Cli.Commands;

public sealed class InitSettings : ConfigFileSettings
{
    [CommandOption("--application <NAME>")]
    [Description("Application name (default: the current directory's name).")]
    public string? Application { get; init; }
}

/// <summary><c>slipway init</c>: writes a starter slipway.yml, never over an existing file.</summary>
public sealed partial class InitCommand(IAnsiConsole console) : Command<InitSettings>
{
    public override int Execute(CommandContext context, InitSettings settings, CancellationToken cancellationToken)
    {
        if (File.Exists(settings.File))
        {
            ConsoleText.Error(console, $"{settings.File} already exists; slipway init never overwrites. Remove it or pass -f OTHER.yml.");
            return ExitCodes.UsageOrConfig;
        }

        var application = settings.Application ?? SafeName(new DirectoryInfo(Environment.CurrentDirectory).Name);
        if (!StarterTemplate.IsValidApplicationName(application))
        {
            ConsoleText.Error(console, $"'{application}' is not a valid application name: use lowercase letters, digits, '-' and '_' (at most 64).");
            return ExitCodes.UsageOrConfig;
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(settings.File))!;
        Directory.CreateDirectory(directory);

        // CreateNew: if another process wrote the file since the check above, fail rather than overwrite it.
        using (var stream = new FileStream(settings.File, FileMode.CreateNew, FileAccess.Write))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(StarterTemplate.Django(application));
        }

        ConsoleText.Line(console, $"Wrote {settings.File} for application {application}.", ConsoleText.Green);
        ConsoleText.Line(console, "Next: edit the stages and hosts, then run: slipway config check" +
            (settings.File == "slipway.yml" ? "" : " -f " + settings.File));
        return ExitCodes.Success;
    }

    private static string SafeName(string name)
    {
        var safe = NotNameCharacters().Replace(name.ToLowerInvariant(), "-").Trim('-');
        return safe.Length == 0 ? "mysite" : safe;
    }

    [GeneratedRegex("[^a-z0-9_-]+")]
    private static partial Regex NotNameCharacters();
}
