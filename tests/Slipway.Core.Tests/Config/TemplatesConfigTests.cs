using Slipway.Core.Config;
using Slipway.Testing;

namespace Slipway.Core.Tests.Config;

/// <summary><c>templates:</c>: first contents of linked files, their modes, host variables, and errors at their key.</summary>
public sealed class TemplatesConfigTests
{
    private const string Site = """
        application: mysite
        deploy_to: /srv/mysite
        linked_files: [django.env, config/site.ini]
        templates:
          django.env:
            content: |
              DJANGO_SECRET_KEY=${SECRET}
              DJANGO_DATABASE=/srv/db/${db_name}.sqlite3
          config/site.ini: { content: "port = ${http_port}\n", mode: "0640" }
        stages:
          production:
            hosts:
              - { host: web1, roles: [web], vars: { http_port: 8000, db_name: one } }
              - { host: web2, roles: [web], vars: { http_port: 8001, db_name: two } }

        """;

    [Fact]
    public void Templates_bind_with_environment_substituted_and_host_variables_kept_for_each_host()
    {
        var result = ConfigFixtures.Parse(Site, name => name == "SECRET" ? "s3cr3t" : null);

        result.Succeeded.ShouldBeTrue(ConfigFixtures.Lines(result));
        var templates = result.Config!.Templates;
        templates.Select(t => t.Path).ShouldBe(["django.env", "config/site.ini"]);
        templates[0].Content.ShouldBe("DJANGO_SECRET_KEY=s3cr3t\nDJANGO_DATABASE=/srv/db/${db_name}.sqlite3\n");
        templates[0].Mode.ShouldBe(SharedFileTemplate.SecretMode, "a .env file looks secret: 0600");
        templates[1].Mode.ShouldBe((UnixFileMode)Convert.ToInt32("640", 8));
        HostVars.Expand(templates[0].Content, result.Config.Stages[0].Hosts[1]).ShouldEndWith("/srv/db/two.sqlite3\n");
    }

    [Theory]
    [InlineData(".env", true)]
    [InlineData("django.env", true)]
    [InlineData("config/secrets.json", true)]
    [InlineData("db_password", true)]
    [InlineData("tls/site.pem", true)]
    [InlineData("api.key", true)]
    [InlineData("config/site.ini", false)]
    [InlineData("robots.txt", false)]
    public void A_name_that_looks_secret_gets_0600(string path, bool secret) =>
        SharedFileTemplate.LooksSecret(path).ShouldBe(secret);

    [Fact]
    public void Source_is_read_next_to_slipway_yml()
    {
        using var dir = new TempDir("slw-tpl-");
        dir.Write("templates/site.ini", "listen = ${http_port}\nhome = ${HOME_DIR}\n");
        var yaml = Site.Replace("""config/site.ini: { content: "port = ${http_port}\n", mode: "0640" }""", "config/site.ini: { source: templates/site.ini }", StringComparison.Ordinal);
        var file = dir.Write("slipway.yml", yaml);

        var result = ConfigLoader.Load(file, name => name switch { "SECRET" => "x", "HOME_DIR" => "/home/site", _ => null });

        result.Succeeded.ShouldBeTrue(ConfigFixtures.Lines(result));
        var ini = result.Config!.Templates.Single(t => t.Path == "config/site.ini");
        ini.Content.ShouldBe("listen = ${http_port}\nhome = /home/site\n");
        ini.Mode.ShouldBe(SharedFileTemplate.PlainMode);
    }

    [Theory]
    [InlineData("templates:\n  other.env: { content: x }\n", "templates.other.env", 10, "\"other.env\" is not in linked_files; a template gives a linked file its first content (add it to linked_files)")]
    [InlineData("templates:\n  ../x: { content: x }\n", "templates.../x", 10, "\"../x\" leads outside deploy_to")]
    [InlineData("templates:\n  .env: { content: x, source: y }\n", "templates..env", 10, "has content and source; a template is exactly one of them")]
    [InlineData("templates:\n  .env: { mode: \"0600\" }\n", "templates..env", 10, "needs content (the text) or source (a file next to slipway.yml)")]
    [InlineData("templates:\n  .env: { content: x, mode: rw }\n", "templates..env.mode", 10, "must be an octal file mode such as 0600 or 0644, got \"rw\"")]
    [InlineData("templates:\n  .env: { content: x, mode: \"0200\" }\n", "templates..env.mode", 10, "0200 does not let the owner read the file")]
    [InlineData("templates:\n  .env: { source: /nonexistent/slipway-template }\n", "templates..env.source", 10, "cannot read /nonexistent/slipway-template: no such file")]
    [InlineData("templates:\n  .env: { content: \"port=${http_port}\" }\n", "templates..env", 10, "uses ${http_port}, but production/web1.example.com has no 'http_port' in its vars")]
    [InlineData("templates: [.env]\n", "templates", 9, "must be a mapping of linked files to templates")]
    public void Bad_templates_are_errors_at_their_line_and_key(string section, string keyPath, int line, string message)
    {
        var yaml = ConfigFixtures.Minimal.Replace("roles: [web, db] }", "roles: [web, db] }\n      - { host: web2, vars: { http_port: 1 } }", StringComparison.Ordinal)
            + "linked_files: [.env]\n" + section;

        var result = ConfigFixtures.Parse(yaml);

        result.Succeeded.ShouldBeFalse();
        var error = result.Diagnostics.First(d => d.Severity == DiagnosticSeverity.Error);
        (error.KeyPath, error.Location.Line).ShouldBe((keyPath, line), error.ToString());
        error.Message.ShouldStartWith(message);
    }
}
