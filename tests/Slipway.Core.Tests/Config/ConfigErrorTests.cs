using Slipway.Testing;

namespace Slipway.Core.Tests.Config;

/// <summary>
/// One golden file per kind of mistake: the exact wording is part of the product. Each golden file shows the input
/// and then every diagnostic, so reviewing it needs nothing else.
/// </summary>
public sealed class ConfigErrorTests
{
    private const string Head = "application: mysite\ndeploy_to: /srv/mysite\n";

    public static TheoryData<string, string> Cases => new()
    {
        { "SyntaxError", Head + "linked_dirs: [media, var/db\nstages: {}\n" },
        { "UnclosedQuote", Head + "repo_url: \"git@example.com:x.git\nstages: {}\n" },
        { "BadIndentation", Head + "stages:\n  production:\n    hosts:\n      - host: web1\n     port: 22\n" },
        { "MappingValueInPlainScalar", Head + "repo_url: git@example.com: x.git\nstages: {}\n" },
        { "ListAndMappingMixed", Head + "stages:\n  production:\n  - web1\n" },
        { "TabIndentation", Head + "stages:\n\tproduction: {}\n" },
        { "TopLevelNotMapping", "- application: mysite\n- deploy_to: /srv/mysite\n" },
        { "TopLevelScalar", "just some text\n" },
        { "MoreThanOneDocument", ConfigFixtures.Minimal + "---\napplication: other\n" },
        { "DuplicateKeys", ConfigFixtures.Minimal + "application: other\nssh: { user: a, user: b }\n" },
        { "WrongType_String", ConfigFixtures.Minimal.Replace("application: mysite", "application: [my, site]", StringComparison.Ordinal) },
        { "WrongType_Integer", ConfigFixtures.Minimal + "keep_releases: five\n" },
        { "WrongType_List", ConfigFixtures.Minimal + "linked_dirs: media\nlinked_files: { .env: true }\n" },
        { "WrongType_Mapping", ConfigFixtures.Minimal + "ssh: deploy\n" },
        { "WrongType_Boolean", ConfigFixtures.Minimal + "hooks:\n  after_update:\n    - { run: migrate, once: yes }\n" },
        { "WrongType_Hosts", Head + "stages:\n  production:\n    hosts: web1.example.com\n" },
        {
            "OutOfRange", Head + "keep_releases: -1\nssh: { connect_timeout: 0, max_parallel: 99999999999999999999 }\n" +
                "stages:\n  production:\n    hosts:\n      - { host: web1, port: 70000 }\n"
        },
        {
            "EnumNotAllowed", Head + "source_strategy: rsync\nssh: { host_key_policy: accept_new }\n" +
                "stages:\n  production:\n    hosts:\n      - { host: web1, transport: telnet }\n"
        },
        {
            "UnknownKeys", Head + "repo-url: git@example.com:mysite.git\nkeep_relases: 3\nfrobnicate: true\n" +
                "stages:\n  production:\n    hosts:\n      - { host: web1, prot: 22 }\n" +
                "hooks:\n  after_deploy: [ \"echo hi\" ]\n"
        },
        {
            "MissingRequired", "stages:\n  production:\n    hosts:\n      - { port: 22 }\n" +
                "hooks:\n  after_update:\n    - { roles: [web] }\n"
        },
        { "RequiredKeyWithoutValue", "application:\ndeploy_to: /srv/mysite\nstages:\n  production:\n    hosts:\n      - { host: web1 }\n" },
        { "NoStages", Head + "stages: {}\n" },
        { "MissingStages", Head },
        { "StageWithoutHosts", Head + "stages:\n  production:\n    hosts: []\n  staging:\n    branch: develop\n  qa:\n" },
        {
            "BadNames", "application: My Site\ndeploy_to: /srv/mysite\n" +
                "stages:\n  Production:\n    hosts: [ { host: web1, roles: [Web] } ]\n"
        },
        {
            "DuplicateHosts", Head + "ssh: { user: deploy }\nstages:\n  production:\n    hosts:\n" +
                "      - { host: web1, port: 22, roles: [web] }\n      - { host: web2 }\n      - { host: WEB1, user: deploy }\n" +
                "      - { host: web1, port: 2222 }\n"
        },
        {
            "UnknownRole", ConfigFixtures.Minimal + "requirements:\n  - { command: git, roles: [app] }\n" +
                "hooks:\n  after_update:\n    - { run: migrate, roles: [dbs] }\n" +
                "processes:\n  web: { command: gunicorn, roles: [web, worker] }\n"
        },
        {
            "LinkedPaths", "application: mysite\ndeploy_to: srv/mysite\n" +
                "linked_dirs: [/var/media, ../other, media/../../x, ., ok/dir]\nlinked_files: [~/.env]\n" +
                "stages:\n  production:\n    hosts: [ { host: web1 } ]\n"
        },
        {
            "LocalTransport", Head + "stages:\n  local:\n    hosts:\n      - { host: web1.example.com, transport: local }\n" +
                "      - { host: localhost, transport: local, port: 22, user: deploy }\n"
        },
        {
            "TwoPrimaries", Head + "stages:\n  production:\n    hosts:\n" +
                "      - { host: web1, primary: true }\n      - { host: web2 }\n      - { host: web3, primary: true }\n"
        },
        {
            "Requirements", ConfigFixtures.Minimal + "requirements:\n  - { roles: [web] }\n  - { command: git, deb: git }\n" +
                "  - { free_disk: lots }\n  - { dir: /srv, path: /srv }\n  - { free_disk: 1G, path: srv }\n  - git\n"
        },
        {
            "Processes", ConfigFixtures.Minimal + "processes:\n  web:\n    directory: /srv\n    numprocs: 0\n    autorestart: always\n" +
                "    stopsignal: SIGTERM\n    environment: { 1BAD: x, GOOD: [a] }\n  Bad Name: { command: x }\n"
        },
        { "Extensions", ConfigFixtures.Minimal + "build: [make]\nqueue:\n  checks: { a: 1, a: 2 }\n" },
        { "UndefinedAlias", ConfigFixtures.Minimal + "linked_dirs: *dirs\n" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_mistake_gets_a_precise_message(string name, string yaml)
    {
        var result = ConfigFixtures.Parse(yaml);

        result.Succeeded.ShouldBeFalse();
        result.Config.ShouldBeNull();
        result.Diagnostics.ShouldNotBeEmpty();
        Golden.Verify(ConfigFixtures.Report(yaml, result), "Config", name);
    }

    [Fact]
    public void All_errors_are_reported_at_once_in_file_order()
    {
        var yaml = """
            application: mysite
            deploy_to: /srv/mysite
            keep_releases: 0
            stages:
              production:
                hosts:
                  - { host: web1, port: 70000 }
            ssh: { host_key_policy: loose }
            hooks:
              after_update:
                - { run: migrate, roles: [db], once: maybe }

            """;

        var result = ConfigFixtures.Parse(yaml);

        result.Diagnostics.Count.ShouldBe(4, ConfigFixtures.Lines(result));
        result.Diagnostics.Select(d => d.KeyPath).ShouldBe([
            "keep_releases", "stages.production.hosts[0].port", "ssh.host_key_policy", "hooks.after_update[0].once"]);
        result.Diagnostics.Select(d => d.Location.Line).ShouldBe([3, 7, 8, 11]);
        Golden.Verify(ConfigFixtures.Report(yaml, result), "Config", "AllErrorsAtOnce");
    }

    [Fact]
    public void Warnings_do_not_stop_loading()
    {
        var yaml = ConfigFixtures.Minimal + "keep_releases: 1\n";

        var result = ConfigFixtures.Parse(yaml);

        result.Succeeded.ShouldBeTrue();
        result.Config!.KeepReleases.ShouldBe(1);
        Golden.Verify(ConfigFixtures.Report(yaml, result), "Config", "WarningKeepOneRelease");
    }

    [Fact]
    public void Deep_nesting_is_an_error_not_a_crash()
    {
        var yaml = ConfigFixtures.Minimal + "build: " + new string('[', 10_000) + new string(']', 10_000) + "\n";

        var result = ConfigFixtures.Parse(yaml);

        ConfigFixtures.Lines(result).ShouldBe("slipway.yml:7:72: error: nesting deeper than 64 levels is not allowed");
    }

    [Fact]
    public void Alias_bombs_are_refused()
    {
        var yaml = ConfigFixtures.Minimal + "build:\n  a: &a [x, x, x, x, x, x, x, x, x, x]\n" +
            string.Concat(Enumerable.Range(0, 8).Select(i =>
                $"  b{i}: &b{i} [{string.Join(", ", Enumerable.Repeat(i == 0 ? "*a" : $"*b{i - 1}", 10))}]\n"));

        var result = ConfigFixtures.Parse(yaml);

        result.Succeeded.ShouldBeFalse();
        ConfigFixtures.Lines(result).ShouldContain("aliases expand to more than 100000 values");
    }
}
