using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Slipway.Cli.Output;
using Slipway.Recipes.Setup;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Slipway.Cli.Commands.Setup;

public sealed class SetupSettings : StageSettings
{
    [CommandOption("--binary <PATH>")]
    [Description("The slipway executable to install on the hosts (default: this one when it is a single-file build).")]
    public string? Binary { get; init; }

    [CommandOption("--json")]
    [Description("One JSON object with every host's changes.")]
    public bool Json { get; init; }
}

/// <summary>
/// <c>slipway setup STAGE</c>: prepares every host of a stage, idempotently: the deploy_to tree, linked files from their
/// templates (only where missing), the host binary
/// (uploaded when its sha256 differs), the supervisor (Slipway's daemon configured and started, or supervisord checked).
/// </summary>
public sealed class SetupCommand(IAnsiConsole console) : AsyncCommand<SetupSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, SetupSettings settings, CancellationToken cancellationToken)
    {
        await using var target = ConfigSource.OpenStage(console, settings, recipes: null);
        if (target is null)
        {
            return ExitCodes.UsageOrConfig;
        }

        BinarySource binary;
        try
        {
            binary = BinarySource.Resolve(settings.Binary);
        }
        catch (IOException e)
        {
            ConsoleText.Error(console, e.Message);
            return ExitCodes.UsageOrConfig;
        }

        var results = await StageSetup.RunAsync(target, binary, cancellationToken);

        if (settings.Json)
        {
            var record = new SetupReport(results.All(r => r.Result.Succeeded), binary.Sha256, binary.LocalOnly,
                results.Select(r => new SetupHostRecord(r.Result.Host.DisplayName, r.Result.Succeeded ? "ok" : "failed",
                    r.Result.Changes.Count > 0, r.Result.Changes, r.Result.Kept, r.Result.Notes, r.Result.Error)).ToList());
            ConsoleText.Line(console, JsonSerializer.Serialize(record, SetupJsonContext.Default.SetupReport));
        }
        else
        {
            if (binary.LocalOnly)
            {
                ConsoleText.Note(console, $"note: this is a development build, so the hosts get {binary.Description}; it works only on hosts that are this machine. Pass --binary with a single-file build (dotnet publish -p:PublishSingleFile=true) for real hosts.", ConsoleText.Yellow);
            }

            foreach (var r in results.Select(o => o.Result))
            {
                var name = r.Host.DisplayName;
                foreach (var change in r.Changes)
                {
                    ConsoleText.Line(console, $"{name}: {change}");
                }

                foreach (var kept in r.Kept)
                {
                    ConsoleText.Line(console, $"{name}: {kept}");
                }

                foreach (var note in r.Notes)
                {
                    ConsoleText.Line(console, $"{name}: note: {note}", ConsoleText.Yellow);
                }

                if (r.Error is not null)
                {
                    ConsoleText.Line(console, $"{name}: failed: {r.Error}", ConsoleText.Red);
                }
                else if (r.Changes.Count == 0)
                {
                    ConsoleText.Line(console, $"{name}: nothing changed", ConsoleText.Green);
                }
                else
                {
                    ConsoleText.Line(console, $"{name}: ready", ConsoleText.Green);
                }
            }
        }

        return results.Any(r => !r.Connected) ? ExitCodes.ConnectionFailed
            : results.All(r => r.Result.Succeeded) ? ExitCodes.Success : ExitCodes.CommandFailed;
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(SetupReport))]
internal sealed partial class SetupJsonContext : JsonSerializerContext;

internal sealed record SetupReport(bool Ok, string BinarySha256, bool DevelopmentLauncher, IReadOnlyList<SetupHostRecord> Hosts);

internal sealed record SetupHostRecord(string Host, string Status, bool Changed, IReadOnlyList<string> Changes, IReadOnlyList<string> Kept,
    IReadOnlyList<string> Notes, string? Error);

/// <summary>Registers <c>setup</c> (called once from SlipwayApp).</summary>
internal static class SetupCommands
{
    public static void Register(IConfigurator config)
    {
        config.AddCommand<SetupCommand>("setup")
            .WithDescription("Prepare a stage's hosts (idempotent): deploy_to tree, host binary, the supervisor daemon.")
            .WithExample("setup", "production")
            .WithExample("setup", "staging", "--binary", "dist/slipway", "--json");
    }
}
