namespace Slipway.Build.Tests.Support;

/// <summary>The sources of a tiny C library (libgreet) and a program linking it (hello).</summary>
internal static class CProjects
{
    public const string GreetC = "#include \"greet.h\"\n\nconst char *greet(void)\n{\n    return \"hello\";\n}\n";

    public static readonly Dictionary<string, string> Library = new()
    {
        ["greet.h"] = "const char *greet(void);\n",
        ["greet.c"] = GreetC,
        ["Makefile"] =
            "libgreet.a: greet.o\n\tar rcs $@ greet.o\n\n" +
            // -fPIC: the Python extension links this static library into a shared object.
            "greet.o: greet.c greet.h\n\t$(CC) -c -O2 -fPIC -o $@ greet.c\n\n" +
            "install: libgreet.a\n\tmkdir -p $(PREFIX)/lib $(PREFIX)/include\n" +
            "\tcp libgreet.a $(PREFIX)/lib/\n\tcp greet.h $(PREFIX)/include/\n",
    };

    public static readonly Dictionary<string, string> Program = new()
    {
        ["main.c"] = "#include <stdio.h>\n#include <greet.h>\n\nint main(void)\n{\n    printf(\"%s, world\\n\", greet());\n    return 0;\n}\n",
        // CPATH and LIBRARY_PATH from the builder find libgreet; no path of it is written here.
        ["Makefile"] = "hello: main.c\n\t$(CC) -O2 -o $@ main.c -lgreet\n\n" +
                       "install: hello\n\tmkdir -p $(PREFIX)/bin\n\tcp hello $(PREFIX)/bin/\n",
    };

    public static readonly Dictionary<string, string> Standalone = new()
    {
        ["tool.c"] = "int main(void) { return 0; }\n",
        ["Makefile"] = "tool: tool.c\n\t$(CC) -o $@ tool.c\n\ninstall: tool\n\tmkdir -p $(PREFIX)/bin\n\tcp tool $(PREFIX)/bin/\n",
    };

    public static readonly Dictionary<string, string> PythonExtension = new()
    {
        ["greetmod.c"] =
            "#define PY_SSIZE_T_CLEAN\n#include <Python.h>\n#include <greet.h>\n\n" +
            "static PyObject *py_greet(PyObject *self, PyObject *args)\n{\n    return PyUnicode_FromString(greet());\n}\n\n" +
            "static PyMethodDef methods[] = {{\"greet\", py_greet, METH_NOARGS, NULL}, {NULL, NULL, 0, NULL}};\n" +
            "static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, \"greetmod\", NULL, -1, methods};\n\n" +
            "PyMODINIT_FUNC PyInit_greetmod(void)\n{\n    return PyModule_Create(&module);\n}\n",
    };
}
