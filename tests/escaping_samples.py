"""Strings that markdown, Streamlit's extensions or HTML would turn into elements if drawn unescaped."""

HOST = "x.example"
SAMPLES = (
    "[链](javascript:alert(1))",
    f"![i](//{HOST}/i.png)",
    f"<b>B</b><img src=//{HOST}/t.png><a href=//{HOST}>a</a>",
    "**粗**__下__*斜*_斜_~~删~~`代码`",
    "C:\\目录\\文件\\ \\*不是强调\\*",
    "$x^2$ 与 $$y$$",
    "行一\n行二\r\n行三",
    "    缩进四格",
    "# 标题",
    "1. 列表",
    "- 项目",
    "> 引用",
    "| a | b |",
    ":red[红字] :material/home: :smile:",
    f"https://{HOST}/auto www.{HOST} a@{HOST}",
    "&lt;b&gt; &amp;",
    "<script>alert(1)</script>",
)
