using System.Text.Json.Nodes;
using Slipway.Core.Config;
using Slipway.Core.Config.Internal;

namespace Slipway.Core.Tests.Config;

/// <summary>docs/slipway.schema.json and the binder must agree on every key, or editors and slipway disagree.</summary>
public sealed class SchemaTests
{
    private static readonly Lazy<JsonNode> Schema = new(() => JsonNode.Parse(File.ReadAllText(FindSchema()))!);

    public static TheoryData<string, string[]> Sections => new()
    {
        { "", [.. ConfigKeys.TopLevel] },
        { "properties.hooks", [.. HookPoints.All] },
        { "$defs.ssh", [.. ConfigKeys.SshKeys] },
        { "$defs.stage", [.. ConfigKeys.StageKeys] },
        { "$defs.host", [.. ConfigKeys.HostKeys] },
        { "$defs.hook.oneOf.1", [.. ConfigKeys.HookKeys] },
        { "$defs.requirement", [.. ConfigKeys.RequirementKeys] },
        { "$defs.process", [.. ConfigKeys.ProcessKeys] },
        { "properties.recipes", [.. ConfigKeys.RecipeKeys] },
        { "$defs.django", [.. ConfigKeys.DjangoKeys] },
        { "$defs.supervisor", [.. ConfigKeys.SupervisorKeys] },
        { "$defs.health", [.. ConfigKeys.HealthKeys] },
        { "$defs.promote", [.. ConfigKeys.PromoteKeys] },
        { "properties.phase_timeouts", [.. ConfigKeys.PhaseTimeoutKeys] },
        { "$defs.template", [.. ConfigKeys.TemplateKeys] },
        { "properties.logs", [.. ConfigKeys.LogsKeys] },
        { "$defs.logUser.anyOf.1", [.. ConfigKeys.LogUserKeys] },
        { "$defs.logsDigest", [.. ConfigKeys.LogsDigestKeys] },
        { "properties.queue", [.. ConfigKeys.QueueKeys] },
        { "$defs.queueRetry", [.. ConfigKeys.QueueRetryKeys] },
        { "$defs.queueRetention", [.. ConfigKeys.QueueRetentionKeys] },
        { "$defs.queueWorker", [.. ConfigKeys.QueueWorkerKeys] },
        { "properties.queue.properties.schedules.additionalProperties", [.. ConfigKeys.QueueScheduleKeys] },
        { "properties.queue.properties.logs", [.. ConfigKeys.QueueLogsKeys] },
        { "properties.monitor", [.. ConfigKeys.MonitorKeys] },
        { "$defs.monitorCheck", [.. ConfigKeys.MonitorCheckKeys] },
        { "$defs.monitorAlerts", [.. ConfigKeys.MonitorAlertsKeys] },
        { "$defs.smtp", [.. ConfigKeys.SmtpKeys] },
        { "$defs.monitorAlerts.properties.webhook", [.. ConfigKeys.MonitorWebhookKeys] },
        { "$defs.monitorAlerts.properties.command", [.. ConfigKeys.MonitorAlertCommandKeys] },
        { "properties.build", [.. ConfigKeys.BuildKeys] },
        { "$defs.buildPackage", [.. ConfigKeys.BuildPackageKeys] },
        { "$defs.buildSource", [.. ConfigKeys.BuildSourceKeys] },
    };

    [Theory]
    [MemberData(nameof(Sections))]
    public void Schema_and_binder_know_the_same_keys(string section, string[] binderKeys)
    {
        var node = At(section);

        var schemaKeys = node["properties"]!.AsObject().Select(p => p.Key).ToArray();

        schemaKeys.Order(StringComparer.Ordinal).ShouldBe(binderKeys.Order(StringComparer.Ordinal));
        node["additionalProperties"]!.GetValue<bool>().ShouldBeFalse("the binder rejects unknown keys here");
    }

    [Theory]
    [InlineData("$defs.ssh.properties.host_key_policy", nameof(ConfigKeys.HostKeyPolicies))]
    [InlineData("properties.source_strategy", nameof(ConfigKeys.SourceStrategies))]
    [InlineData("$defs.host.properties.transport", nameof(ConfigKeys.Transports))]
    [InlineData("$defs.process.properties.stopsignal", nameof(ConfigKeys.StopSignals))]
    [InlineData("$defs.monitorCheck.properties.type", nameof(ConfigKeys.MonitorCheckTypes))]
    public void Schema_enums_match_the_binder(string path, string listName)
    {
        var allowed = (IReadOnlyList<string>)typeof(ConfigKeys).GetProperty(listName)!.GetValue(null)!;

        At(path)["enum"]!.AsArray().Select(e => e!.GetValue<string>()).ShouldBe(allowed);
    }

    [Fact]
    public void Required_keys_match()
    {
        At("")["required"]!.AsArray().Select(e => e!.GetValue<string>()).ShouldBe(["application", "deploy_to", "stages"]);
        At("$defs.host")["required"]!.AsArray().Select(e => e!.GetValue<string>()).ShouldBe(["host"]);
    }

    [Fact]
    public void The_starter_template_points_at_this_schema() =>
        At("")["$id"]!.GetValue<string>().ShouldBe(StarterTemplate.SchemaUrl);

    private static JsonNode At(string path)
    {
        var node = Schema.Value;
        foreach (var part in path.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            node = int.TryParse(part, out var index) ? node[index]! : node[part]!;
        }

        return node;
    }

    private static string FindSchema()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "docs", "slipway.schema.json");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("docs/slipway.schema.json not found above " + AppContext.BaseDirectory);
    }
}
