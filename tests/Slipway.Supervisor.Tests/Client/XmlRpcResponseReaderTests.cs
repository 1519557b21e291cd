using System.Text;
using Slipway.Supervisor.Client;
using Slipway.Supervisor.XmlRpc;

namespace Slipway.Supervisor.Tests.Client;

public sealed class XmlRpcResponseReaderTests
{
    private static XmlRpcResponse Parse(string xml) => XmlRpcResponseReader.Parse(new MemoryStream(Encoding.UTF8.GetBytes(xml)));

    [Fact]
    public void Reads_what_the_writer_writes()
    {
        var r = Parse(XmlRpcWriter.Response(new List<object?> { new List<object?> { "web" }, new List<object?>(), new List<object?> { "old" } }));

        r.Fault.ShouldBeNull();
        r.Value.ShouldBeOfType<List<object?>>().Count.ShouldBe(3);
    }

    [Fact]
    public void A_fault_gives_its_code_and_string()
    {
        var r = Parse(XmlRpcWriter.Fault(Faults.BadName, "BAD_NAME: nope"));

        r.Fault.ShouldBe(new XmlRpcFault(10, "BAD_NAME: nope"));
    }

    [Fact]
    public void Python_xmlrpclib_style_with_whitespace_and_typed_strings()
    {
        var r = Parse("""
            <?xml version='1.0'?>
            <methodResponse>
            <params>
            <param>
            <value><struct>
            <member>
            <name>statecode</name>
            <value><int>1</int></value>
            </member>
            <member>
            <name>statename</name>
            <value><string>RUNNING</string></value>
            </member>
            </struct></value>
            </param>
            </params>
            </methodResponse>
            """);

        var s = r.Value.ShouldBeOfType<Dictionary<string, object?>>();
        s["statecode"].ShouldBe(1);
        s["statename"].ShouldBe("RUNNING");
    }

    [Fact]
    public void Not_a_response_is_a_parse_error() =>
        Should.Throw<XmlRpcParseException>(() => Parse("<html>502 Bad Gateway</html>"));

    [Theory]
    [InlineData("/srv/app/slipway/supervisor.sock", "/srv/app/slipway/supervisor.sock", null)]
    [InlineData("unix:///var/run/supervisor.sock", "/var/run/supervisor.sock", null)]
    [InlineData("http://127.0.0.1:9001", null, "http://127.0.0.1:9001/")]
    public void Endpoints_are_socket_paths_or_http_urls(string text, string? socket, string? url)
    {
        var e = SupervisorEndpoint.Parse(text);

        e.SocketPath.ShouldBe(socket);
        e.Url?.ToString().ShouldBe(url);
    }

    [Fact]
    public void Other_schemes_are_refused() =>
        Should.Throw<ArgumentException>(() => SupervisorEndpoint.Parse("tcp://127.0.0.1:9001")).Message.ShouldStartWith("'tcp://127.0.0.1:9001': only");
}
