"""Deterministic generator for the mixed English/Chinese sample web crawl.

The quickstart pipeline needs an input that exercises every stage: main-text extraction
(articles wrapped in nav/sidebar/footer/cookie/comment chrome), charset handling (GBK pages
declared as gb2312, meta-only charsets, windows-1252), language ID (a few French, German,
Spanish and Japanese pages), quality filters (boilerplate-only pages, SEO spam, short junk,
pages only FineWeb's line rules catch), a toxicity filter (hostile forum comments next to civil
ones) and near-duplicate removal (mirrored copies and lightly edited copies of real articles).

``generate(out_dir, seed)`` writes::

    crawl.warc.gz          warcinfo + request/response pairs (most of the pages)
    comments.jsonl.gz      forum comments and a few junk lines (plain text)
    pages/*.html           a small directory of UTF-8 HTML files
    labels.jsonl           ground truth: one line per document
    README.md              what is inside, with the counts

All text comes from the hand-written ``content_*`` modules; the RNG only decides which
article goes where, page chrome, dates and ids. Output is byte-for-byte identical for the
same seed (gzip members are written with mtime=0 by Python's gzip module).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import random
import re
import struct
import unicodedata
import uuid
import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from html import escape
from pathlib import Path

from . import content_en, content_misc, content_zh

__all__ = ["generate", "build", "Doc", "jaccard", "normalize_for_dedup"]

GENERATOR = "corpuskit-samplecrawl/1.0"
CRAWL_START = datetime(2024, 6, 3, 8, 0, 0, tzinfo=timezone.utc)
USER_AGENT = "Mozilla/5.0 (compatible; corpuskit-samplebot/1.0; +https://corpuskit.example/bot)"


# =========================================================================== data model
@dataclass
class Doc:
    """One document of the sample, whatever its container (WARC record, JSONL line, file)."""

    id: str  # WARC-Target-URI, JSONL ``id`` or HTML file name
    source: str  # "warc" | "jsonl" | "html"
    category: str
    lang: str | None
    html: str = ""  # page markup (WARC/HTML) or plain text (JSONL)
    encoding: str = "utf-8"  # Python codec used for the body bytes
    header_charset: str | None = "utf-8"  # charset= in the HTTP header; None: no parameter
    status: int = 200
    mime: str = "text/html"
    body: bytes | None = None  # raw body (binary/empty responses); otherwise html.encode()
    headers: list[tuple[str, str]] = field(default_factory=list)  # extra HTTP headers
    server: str = "nginx"
    main_text: str | None = None  # ground-truth main text for articles and their copies
    url: str | None = None  # JSONL/HTML: the page URL the document claims
    created: str | None = None  # JSONL: creation time
    label: dict = field(default_factory=dict)

    def body_bytes(self) -> bytes:
        if self.body is not None:
            return self.body
        # xmlcharrefreplace only ever touches chrome (e.g. a stray symbol in a GBK page);
        # article text is checked to be encodable.
        return self.html.encode(self.encoding, errors="xmlcharrefreplace")


@dataclass(frozen=True)
class Site:
    """A made-up website: where a page lives and what its chrome looks like."""

    key: str
    base: str
    name: str
    lang: str  # chrome language: en | zh | zh-hant | fr | de | es | ja
    style: str  # portal | blog | table | mirror
    server: str
    path: str  # article path template: {y} {m} {d} {slug} {n}
    charset: str = "utf8"  # utf8 | utf8-meta-only | gb2312 | meta-gbk | latin1 | cp1252


SITES = {s.key: s for s in [
    # English
    Site("ledger", "https://www.example-news.com", "The Example Ledger", "en", "portal",
         "nginx/1.24.0", "/{y}/{m:02d}/{slug}.html"),
    Site("techreview", "https://www.example-techreview.com", "Example Tech Review", "en", "portal",
         "cloudflare", "/articles/{n}-{slug}"),
    Site("kitchen", "https://www.example-kitchen.com", "Example Kitchen", "en", "blog",
         "Apache/2.4.57 (Debian)", "/recipes/{slug}/"),
    Site("travelnotes", "https://blog.example-travelnotes.com", "Slow Road Travel Notes", "en", "blog",
         "Apache/2.4.57 (Ubuntu)", "/posts/{y}/{slug}/"),
    Site("outdoors", "https://www.example-outdoors.com", "Example Outdoors", "en", "blog",
         "nginx", "/nature/{slug}"),
    Site("wellness", "https://health.example-daily.com", "Example Daily Health", "en", "portal",
         "nginx/1.22.1", "/health/{slug}.html"),
    Site("gazette", "https://news.millbrook.example", "Millbrook Gazette", "en", "portal",
         "Apache", "/local/{y}/{m:02d}/{d:02d}/{slug}"),
    Site("culturemag", "https://www.example-culturemag.com", "Example Culture Magazine", "en", "blog",
         "LiteSpeed", "/story/{slug}", "utf8-meta-only"),
    Site("mirror-en", "https://www.example-newsmirror.com", "NewsMirror Example", "en", "mirror",
         "nginx", "/m/{n}/{slug}"),
    Site("aggregator", "https://reader.example-aggregator.com", "Example Reader", "en", "mirror",
         "openresty", "/item/{n}"),
    Site("syndicate", "https://www.example-syndicate.com", "Example Syndicate Network", "en", "portal",
         "nginx", "/partner/{y}/{slug}"),
    # Chinese
    Site("xinwen", "https://www.example-xinwen.cn", "示例新闻网", "zh", "portal",
         "Tengine", "/news/{y}-{m:02d}/{d:02d}/content_{n}.htm"),
    Site("keji", "https://tech.example-kepu.cn", "科普示例网", "zh", "portal",
         "openresty", "/a/{y}{m:02d}{d:02d}/{n}.shtml"),
    Site("meishi", "https://www.example-meishi.com", "示例美食网", "zh", "blog",
         "nginx", "/caipu/{n}.html"),
    Site("suibi", "https://blog.example-suibi.cn", "旅途随笔", "zh", "blog",
         "nginx/1.20.1", "/article/{n}.html"),
    Site("jiankang", "https://health.example-jiankang.com", "健康生活示例网", "zh", "portal",
         "Tengine", "/jk/{y}/{m:02d}{d:02d}/{n}.html"),
    Site("qinghe", "http://www.qinghe-daily.example", "清河日报", "zh", "table",
         "Microsoft-IIS/7.5", "/html/{y}-{m:02d}/{d:02d}/content_{n}.htm", "gb2312"),
    Site("lishi", "http://www.example-lishi.cn", "示例历史网", "zh", "table",
         "Microsoft-IIS/6.0", "/wenzhang/{n}.html", "meta-gbk"),
    Site("shibao", "https://www.example-shibao.tw", "示例時報", "zh-hant", "portal",
         "nginx", "/news/{n}"),
    Site("zhuanzai", "https://www.example-zhuanzai.cn", "转载示例网", "zh", "mirror",
         "nginx", "/html/{n}.html"),
    Site("caiji", "https://m.example-caiji.com", "示例资讯聚合", "zh", "mirror",
         "openresty", "/view/{n}"),
    Site("zixun", "https://www.example-zixun.cn", "示例资讯网", "zh", "portal",
         "Tengine", "/zx/{y}{m:02d}/{n}.html"),
    # other languages
    Site("fr", "http://www.journal-du-village.example", "Le Journal du Village", "fr", "blog",
         "Apache/2.2.22", "/articles/{slug}.html"),
    Site("de", "https://www.stadtbote.example", "Der Stadtbote", "de", "blog",
         "Apache/2.4.57", "/artikel/{slug}"),
    Site("es", "https://www.diario-local.example", "El Diario Local", "es", "blog",
         "nginx", "/noticias/{slug}"),
    Site("ja", "https://www.kurashi-note.example", "くらしのノート", "ja", "blog",
         "nginx", "/entry/{n}"),
]}

TOPIC_SITES_EN = {
    "science": "techreview", "technology": "techreview", "history": "ledger",
    "economics": "ledger", "cooking": "kitchen", "travel": "travelnotes", "nature": "outdoors",
    "health": "wellness", "local": "gazette", "culture": "culturemag",
}
TOPIC_SITES_ZH = {
    "science": "keji", "technology": "keji", "economics": "xinwen", "nature": "xinwen",
    "cooking": "meishi", "travel": "suibi", "culture": "suibi", "health": "jiankang",
    "local": "qinghe",
}

# Chrome vocabulary per chrome language. Deliberately repetitive across pages: it is the
# boilerplate an extractor must learn to drop.
CHROME = {
    "en": dict(
        nav=["Home", "News", "World", "Business", "Science", "Technology", "Health", "Travel",
             "Food", "Culture", "Local", "Opinion"],
        cookie="We use cookies to improve your experience, analyse traffic and show personalised "
               "ads. By continuing to browse you agree to our Cookie Policy.",
        accept="Accept all", manage="Manage settings", search="Search", signin="Sign in",
        subscribe="Subscribe", related="Related articles", most_read="Most read",
        comments="Comments", comment_form="Log in or create an account to join the discussion.",
        post="Post comment", share="Share this article", newsletter="Newsletter",
        newsletter_text="Get the day's top stories in your inbox every morning.",
        signup="Sign up", ad="Advertisement", by="By", read="min read", tags="Tags",
        footer=["About us", "Contact", "Careers", "Advertise", "Privacy Policy",
                "Terms of Use", "Cookie Settings", "Accessibility", "Sitemap"],
        rights="All rights reserved.", home="Home", recent="Recent posts", archives="Archives",
        categories="Categories", reply="Leave a Reply",
        reply_text="Your email address will not be published. Required fields are marked *",
        powered="Proudly powered by an example CMS", ago=["2 hours ago", "yesterday",
                                                           "3 days ago", "last week"],
        more="Read more", source="Source", trending="Trending now", sponsored="Sponsored",
        prev="Previous post", next="Next post", print_="Print", close=None,
    ),
    "zh": dict(
        nav=["首页", "新闻", "国内", "国际", "财经", "科技", "体育", "娱乐", "健康", "教育",
             "旅游", "美食", "视频", "图片", "专题"],
        cookie="本网站使用Cookie以提升您的浏览体验，继续浏览即表示您同意我们的《隐私政策》和《用户协议》。",
        accept="同意", manage="设置", search="搜索", signin="登录", subscribe="注册",
        related="相关阅读", most_read="热门排行", comments="网友评论",
        comment_form="登录后才能发表评论，请文明上网，理性发言。", post="发表评论",
        share="分享到：微信 微博 QQ空间", newsletter="订阅", newsletter_text="关注我们的公众号，获取每日精选资讯。",
        signup="立即订阅", ad="广告", by="作者：", read="分钟阅读", tags="标签",
        footer=["关于我们", "联系我们", "广告服务", "招聘信息", "网站地图", "隐私政策",
                "违法和不良信息举报", "意见反馈"],
        rights="版权所有 未经授权禁止转载 京ICP备00000000号-0 京公网安备00000000000000号",
        home="首页", recent="最新文章", archives="文章归档", categories="分类目录", reply="发表评论",
        reply_text="您的邮箱地址不会被公开。必填项已用*标注", powered="本站由示例CMS强力驱动",
        ago=["2小时前", "昨天", "3天前", "1周前"], more="阅读全文", source="来源",
        trending="24小时热点", sponsored="推广", prev="上一篇", next="下一篇", print_="打印本页",
        close="关闭窗口",
    ),
    "zh-hant": dict(
        nav=["首頁", "即時", "政治", "國際", "財經", "科技", "生活", "健康", "旅遊", "美食", "文化"],
        cookie="本網站使用Cookie以提升您的瀏覽體驗，繼續瀏覽即表示您同意我們的隱私權政策。",
        accept="同意", manage="設定", search="搜尋", signin="登入", subscribe="訂閱",
        related="相關新聞", most_read="熱門新聞", comments="留言", comment_form="請先登入會員再留言。",
        post="送出留言", share="分享：Facebook LINE", newsletter="電子報",
        newsletter_text="訂閱電子報，每天掌握最新消息。", signup="立即訂閱", ad="廣告", by="記者",
        read="分鐘閱讀", tags="標籤",
        footer=["關於我們", "聯絡我們", "廣告刊登", "隱私權政策", "服務條款", "網站地圖"],
        rights="版權所有，禁止轉載。", home="首頁", recent="最新文章", archives="文章彙整",
        categories="分類", reply="發表留言", reply_text="電子郵件地址不會被公開。",
        powered="", ago=["2小時前", "昨天", "3天前", "1週前"], more="閱讀更多", source="來源",
        trending="熱門話題", sponsored="贊助", prev="上一篇", next="下一篇", print_="列印",
        close=None,
    ),
}
_SMALL_CHROME = {  # just enough for the few other-language pages
    "fr": (["Accueil", "Actualités", "Vie locale", "Cuisine", "Contact"], "Tous droits réservés.",
           "Articles récents", "Mentions légales", "Laisser un commentaire"),
    "de": (["Startseite", "Nachrichten", "Region", "Freizeit", "Kontakt"], "Alle Rechte vorbehalten.",
           "Neueste Beiträge", "Impressum", "Kommentar schreiben"),
    "es": (["Inicio", "Noticias", "Cultura", "Hogar", "Contacto"], "Todos los derechos reservados.",
           "Entradas recientes", "Aviso legal", "Deja un comentario"),
    "ja": (["ホーム", "暮らし", "料理", "旅行", "お問い合わせ"], "無断転載を禁じます。",
           "最近の記事", "プライバシーポリシー", "コメントを書く"),
}

AUTHORS_EN = ["Hannah Price", "Marcus Webb", "Priya Nair", "Tom Okonkwo", "Elena Sorensen",
              "Jack Liu", "Grace Adeyemi", "Owen Fitzgerald", "Sara Lindqvist", "Daniel Moreau"]
AUTHORS_ZH = ["王晓明", "李静", "张伟", "陈思远", "刘洋", "赵敏", "孙磊", "周一鸣", "吴佳", "郑凯"]
USERS_EN = ["maplewood42", "river_walker", "JaneD", "techfan88", "oldsalt", "greenthumb",
            "quietreader", "bikecommuter", "M. Keller", "curious_cat"]
USERS_ZH = ["清风徐来", "小王同学", "吃货一枚", "路人甲", "山水之间", "爱生活的猫", "老张",
            "匿名网友", "江南烟雨", "北京网友"]


# =========================================================================== small helpers
def _uuid(rng: random.Random) -> str:
    return f"<urn:uuid:{uuid.UUID(int=rng.getrandbits(128), version=4)}>"


def _slug(title: str) -> str:
    ascii_ = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")


def _main_text(title: str, paras: list[str]) -> str:
    """The ground-truth main text: title, blank line, paragraphs separated by blank lines."""
    return title + "\n\n" + "\n\n".join(paras)


def _sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


_PUNCT_FOLD = str.maketrans({"。": ".", "、": ",", "“": '"', "”": '"', "‘": "'", "’": "'",
                             "「": '"', "」": '"', "　": " "})


def normalize_for_dedup(text: str) -> str:
    """NFKC (folds full-width ，！？：；（） to ASCII) plus the CJK punctuation NFKC leaves alone."""
    return unicodedata.normalize("NFKC", text).translate(_PUNCT_FOLD).lower()


def _shingles(text: str, lang: str, n: int = 5) -> set:
    if lang == "en":
        toks = re.findall(r"\w+", text.lower())
        return {" ".join(toks[i:i + n]) for i in range(max(1, len(toks) - n + 1))}
    chars = re.sub(r"\s+", "", text)
    return {chars[i:i + n] for i in range(max(1, len(chars) - n + 1))}


def jaccard(a: str, b: str, lang: str, normalize: bool = False) -> float:
    """Jaccard similarity of 5-gram shingles (words for English, characters otherwise)."""
    if normalize:
        a, b = normalize_for_dedup(a), normalize_for_dedup(b)
    sa, sb = _shingles(a, lang), _shingles(b, lang)
    return len(sa & sb) / len(sa | sb) if sa | sb else 1.0


def _e(text: str) -> str:
    return escape(text, quote=False)


def _a(text: str) -> str:
    return escape(text, quote=True)


def _links(items: list[tuple[str, str]], sep: str = "\n") -> str:
    return sep.join(f'<li><a href="{_a(u)}">{_e(t)}</a></li>' for t, u in items)


def _charset_meta(site_charset: str) -> str:
    """The charset declaration inside <head>, as the site's (mis)configuration dictates."""
    return {
        "utf8": '<meta charset="utf-8">',
        "utf8-meta-only": '<meta charset="utf-8">',
        "gb2312": '<meta charset="gb2312">',
        "meta-gbk": '<meta http-equiv="Content-Type" content="text/html; charset=gbk">',
        "latin1": "",
        "cp1252": "",
    }[site_charset]


def _apply_charset(doc: Doc, site_charset: str) -> None:
    """Set body encoding and HTTP charset parameter for a site's charset mode."""
    doc.encoding, doc.header_charset = {
        "utf8": ("utf-8", "utf-8"),
        "utf8-meta-only": ("utf-8", None),
        "gb2312": ("gbk", "gb2312"),
        "meta-gbk": ("gbk", None),
        "latin1": ("latin-1", "ISO-8859-1"),
        "cp1252": ("cp1252", "windows-1252"),
    }[site_charset]


def _head(lang: str, charset_meta: str, title: str, extra: str = "") -> str:
    return (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n{charset_meta}\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{_e(title)}</title>\n{extra}"
            '<link rel="stylesheet" href="/static/css/main.min.css?v=20240512">\n'
            "<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}"
            "gtag('js',new Date());gtag('config','G-EXAMPLE0');</script>\n</head>\n")


def _footer(site: Site, rng: random.Random) -> str:
    c = CHROME[site.lang]
    items = " | ".join(f'<a href="/{_slug(x) or "p" + str(i)}">{_e(x)}</a>'
                       for i, x in enumerate(c["footer"]))
    rights = (f"&copy; 2024 {_e(site.name)}. {c['rights']}" if site.lang == "en"
              else f"Copyright &copy; 2003-2024 {_e(site.name)} {c['rights']}")
    social = ("Follow us: Facebook &middot; X &middot; Instagram &middot; YouTube" if site.lang == "en"
              else "关注我们：微信公众号 &middot; 新浪微博 &middot; 抖音" if site.lang == "zh"
              else "追蹤我們：Facebook &middot; Instagram &middot; YouTube")
    return (f'<footer class="site-footer">\n<nav class="footer-links">{items}</nav>\n'
            f'<p class="social">{social}</p>\n<p class="copyright">{rights}</p>\n'
            f'<script src="/static/js/app.{rng.getrandbits(24):06x}.js" defer></script>\n</footer>\n')


def _cookie(site: Site) -> str:
    c = CHROME[site.lang]
    return (f'<div id="cookie-consent" class="cookie-banner" role="dialog">\n<p>{_e(c["cookie"])}</p>\n'
            f'<button class="accept">{_e(c["accept"])}</button> '
            f'<a href="/cookie-settings">{_e(c["manage"])}</a>\n</div>\n')


def _nav(site: Site) -> str:
    c = CHROME[site.lang]
    items = "".join(f'<li><a href="/{"" if i == 0 else "channel/" + str(i)}">{_e(x)}</a></li>'
                    for i, x in enumerate(c["nav"]))
    return (f'<header class="site-header">\n<a class="logo" href="/">{_e(site.name)}</a>\n'
            f'<nav class="main-nav"><ul>{items}</ul></nav>\n'
            f'<form class="search" action="/search"><input type="text" name="q" '
            f'placeholder="{_a(c["search"])}"><button>{_e(c["search"])}</button></form>\n'
            f'<div class="account"><a href="/login">{_e(c["signin"])}</a> | '
            f'<a href="/register">{_e(c["subscribe"])}</a></div>\n</header>\n')


# =========================================================================== article pages
@dataclass
class ArticleCtx:
    """Everything an article page needs besides the article: chrome choices made by the RNG."""

    url: str
    date: datetime
    author: str
    related: list[tuple[str, str]]
    popular: list[tuple[str, str]]
    comments: list[tuple[str, str, str]]
    rng: random.Random
    source_name: str | None = None  # mirrors/syndication: the claimed origin
    source_url: str | None = None


def _article_body(title: str, paras: list[str]) -> str:
    ps = "\n".join(f"<p>{_e(p)}</p>" for p in paras)
    return f"<h1>{_e(title)}</h1>\n{ps}"


def _comments_html(site: Site, ctx: ArticleCtx) -> str:
    c = CHROME[site.lang]
    rows = "\n".join(
        f'<div class="comment"><span class="user">{_e(u)}</span> '
        f'<span class="time">{_e(t)}</span><p>{_e(x)}</p><a class="reply" href="#">'
        f'{"Reply" if site.lang == "en" else "回复"}</a></div>'
        for u, t, x in ctx.comments)
    return (f'<section class="comments" id="comments">\n<h2>{_e(c["comments"])} ({len(ctx.comments)})</h2>\n'
            f"{rows}\n<form class=\"comment-form\"><p>{_e(c['comment_form'])}</p>"
            f'<textarea name="comment"></textarea><button>{_e(c["post"])}</button></form>\n</section>\n')


def render_article(site: Site, title: str, paras: list[str], ctx: ArticleCtx) -> str:
    """A full article page in one of four layouts; the <article> holds only title + paragraphs,
    so copies on other sites share a byte-identical main text."""
    c = CHROME[site.lang]
    lang_attr = {"en": "en", "zh": "zh-CN", "zh-hant": "zh-TW"}[site.lang]
    date_iso = ctx.date.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    if site.lang == "en":
        date_h = ctx.date.strftime("%B %d, %Y").replace(" 0", " ")
    else:
        date_h = ctx.date.strftime("%Y-%m-%d %H:%M")
    desc = paras[0][:150]
    ld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", "headline": title,
                     "datePublished": date_iso, "author": {"@type": "Person", "name": ctx.author},
                     "publisher": {"@type": "Organization", "name": site.name}},
                    ensure_ascii=False)
    extra = (f'<meta name="description" content="{_a(desc)}">\n'
             f'<link rel="canonical" href="{_a(ctx.url)}">\n'
             f'<meta property="og:title" content="{_a(title)}">\n'
             '<meta property="og:type" content="article">\n'
             f'<script type="application/ld+json">{ld}</script>\n')
    page_title = f"{title} | {site.name}" if site.lang == "en" else f"{title}_{site.name}"
    head = _head(lang_attr, _charset_meta(site.charset), page_title, extra)
    article = f'<article class="post-content">\n{_article_body(title, paras)}\n</article>\n'
    related = (f'<section class="related"><h2>{_e(c["related"])}</h2>\n<ul>\n'
               f"{_links(ctx.related)}\n</ul></section>\n")
    popular = f'<h3>{_e(c["most_read"])}</h3>\n<ol>\n{_links(ctx.popular)}\n</ol>\n'
    by = (f"{c['by']} {ctx.author}" if site.lang == "en" else f"{c['by']}{ctx.author}")
    minutes = max(2, sum(len(p) for p in paras) // (1100 if site.lang == "en" else 450))

    if site.style == "portal":
        k = ctx.rng.randrange(1, len(c["nav"]))
        body = (
            f'<body class="article-page">\n{_cookie(site)}{_nav(site)}'
            f'<div class="breadcrumb"><a href="/">{_e(c["home"])}</a> &rsaquo; '
            f'<a href="/channel/{k}">{_e(c["nav"][k])}</a></div>\n'
            f'<div class="layout">\n<main class="content">\n'
            f'<div class="article-meta"><span class="author">{_e(by)}</span> &middot; '
            f'<time datetime="{date_iso}">{date_h}</time> &middot; {minutes} {_e(c["read"])}</div>\n'
            f"{article}"
            f'<div class="share">{_e(c["share"])}</div>\n'
            f'<div class="ad-slot"><span>{_e(c["ad"])}</span></div>\n'
            f"{related}{_comments_html(site, ctx)}</main>\n"
            f'<aside class="sidebar">\n{popular}'
            f'<div class="ad-slot tall"><span>{_e(c["ad"])}</span></div>\n'
            f'<div class="newsletter"><h3>{_e(c["newsletter"])}</h3><p>{_e(c["newsletter_text"])}</p>'
            f'<input type="email" placeholder="you@example.com"><button>{_e(c["signup"])}</button></div>\n'
            f"</aside>\n</div>\n{_footer(site, ctx.rng)}</body>\n</html>\n")
    elif site.style == "blog":
        months = ["May 2024", "April 2024", "March 2024", "February 2024", "January 2024"] \
            if site.lang == "en" else ["2024年5月", "2024年4月", "2024年3月", "2024年2月", "2024年1月"]
        arch = "".join(f'<li><a href="/archive/{i}">{m}</a></li>' for i, m in enumerate(months))
        cats = "".join(f'<li><a href="/category/{i}">{_e(x)}</a></li>'
                       for i, x in enumerate(c["nav"][1:7]))
        body = (
            f'<body class="single-post">\n{_nav(site)}'
            f'<div id="primary">\n<div class="entry-meta">{_e(by)} &middot; '
            f'<time datetime="{date_iso}">{date_h}</time></div>\n{article}'
            f'<div class="post-tags">{_e(c["tags"])}: '
            + ", ".join(f'<a href="/tag/{i}">{_e(x)}</a>' for i, x in enumerate(c["nav"][4:7]))
            + "</div>\n"
            f'<nav class="post-navigation"><a href="{_a(ctx.related[0][1])}">&larr; {_e(c["prev"])}: '
            f'{_e(ctx.related[0][0])}</a> <a href="{_a(ctx.related[1][1])}">{_e(c["next"])}: '
            f'{_e(ctx.related[1][0])} &rarr;</a></nav>\n'
            f"{_comments_html(site, ctx)}"
            f'<div id="respond"><h3>{_e(c["reply"])}</h3><p>{_e(c["reply_text"])}</p>'
            '<input name="author"><input name="email"><textarea name="comment"></textarea></div>\n'
            f'</div>\n<div id="secondary" class="widget-area">\n'
            f'<section class="widget"><h2>{_e(c["recent"])}</h2><ul>{_links(ctx.popular)}</ul></section>\n'
            f'<section class="widget"><h2>{_e(c["archives"])}</h2><ul>{arch}</ul></section>\n'
            f'<section class="widget"><h2>{_e(c["categories"])}</h2><ul>{cats}</ul></section>\n'
            f"</div>\n{_cookie(site)}{_footer(site, ctx.rng)}"
            f'<p class="powered">{_e(c["powered"])}</p>\n</body>\n</html>\n')
    elif site.style == "table":  # old-school Chinese newspaper site, table layout
        navrow = " | ".join(f'<a href="/node_{i}.htm">{_e(x)}</a>' for i, x in enumerate(c["nav"]))
        body = (
            '<body>\n<table width="960" align="center" cellpadding="0" cellspacing="0">\n'
            f'<tr><td class="top"><img src="/images/logo.gif" alt="{_a(site.name)}"> '
            f"{_e(site.name)}电子版 | 设为首页 | 加入收藏</td></tr>\n"
            f'<tr><td class="nav">{navrow}</td></tr>\n'
            f'<tr><td class="position">当前位置：<a href="/">{_e(c["home"])}</a> &gt; 新闻中心 &gt; 正文</td></tr>\n'
            '<tr><td>\n<table width="100%"><tr><td width="680" valign="top">\n'
            f'<div class="info">{date_h}　{c["source"]}：{_e(site.name)}　{_e(by)}　'
            "【字号：<a href=\"#\">大</a> <a href=\"#\">中</a> <a href=\"#\">小</a>】</div>\n"
            f"{article}"
            f'<div class="tools">【<a href="javascript:window.print()">{_e(c["print_"])}</a>】'
            f'【<a href="javascript:window.close()">{_e(c["close"] or "")}</a>】</div>\n'
            f'<div class="editor">责任编辑：{_e(ctx.rng.choice(AUTHORS_ZH))}</div>\n'
            f"{related}</td>\n"
            f'<td width="260" valign="top" class="right">{popular}'
            f'<h3>{_e(c["trending"])}</h3><ul>{_links(ctx.related[::-1])}</ul></td></tr></table>\n'
            f"</td></tr>\n<tr><td>{_footer(site, ctx.rng)}</td></tr>\n</table>\n</body>\n</html>\n")
    else:  # mirror / scraper site: thin chrome, heavy ads, source line
        ads = "\n".join(f'<div class="ad"><span>{_e(c["sponsored"])}</span> '
                        f'<a href="https://ads.example-adnet.com/c?id={ctx.rng.getrandbits(32)}">'
                        f"{_e(t)}</a></div>" for t, _ in ctx.popular[:3])
        src = ctx.source_name or site.name
        body = (
            f'<body>\n<div class="topbar"><a href="/">{_e(site.name)}</a> '
            f'<a href="/hot">{_e(c["trending"])}</a></div>\n{ads}\n'
            f'<div class="main">\n<div class="src">{_e(c["source"])}: '
            f'<a href="{_a(ctx.source_url or ctx.url)}">{_e(src)}</a> &middot; {date_h}</div>\n'
            f"{article}{ads}\n"
            f'<h3>{_e(c["trending"])}</h3><ul>{_links(ctx.popular)}</ul>\n'
            f'<h3>{_e(c["related"])}</h3><ul>{_links(ctx.related)}</ul>\n</div>\n'
            f"{_footer(site, ctx.rng)}</body>\n</html>\n")
    return head + body


# =========================================================================== other page kinds
def render_other_lang(site: Site, art: dict, url: str, rng: random.Random) -> str:
    """A small blog page in French/German/Spanish/Japanese for the language-ID stage."""
    nav, rights, recent, legal, comment = _SMALL_CHROME[site.lang]
    head = _head(site.lang, _charset_meta(site.charset), f"{art['title']} - {site.name}",
                 f'<link rel="canonical" href="{_a(url)}">\n')
    navh = " | ".join(f'<a href="/{i}">{_e(x)}</a>' for i, x in enumerate(nav))
    return (head + f'<body>\n<header><a href="/">{_e(site.name)}</a>\n<nav>{navh}</nav></header>\n'
            f'<main>\n<article>\n{_article_body(art["title"], art["paras"])}\n</article>\n'
            f'<div class="comments"><h3>{_e(comment)}</h3><textarea></textarea></div>\n</main>\n'
            f'<aside><h3>{_e(recent)}</h3><ul><li><a href="/a">{_e(nav[1])}</a></li></ul></aside>\n'
            f'<footer>&copy; 2024 {_e(site.name)} &middot; {_e(rights)} &middot; '
            f'<a href="/legal">{_e(legal)}</a></footer>\n</body>\n</html>\n')


def render_boilerplate(kind: str, site: Site, titles: list[tuple[str, str]], rng: random.Random) -> tuple[str, str]:
    """Pages that are all chrome: 404s, login forms, index/tag/sitemap/search pages.

    Returns (page title, html)."""
    c = CHROME[site.lang]
    en = site.lang == "en"
    lst = _links(titles)
    if kind == "soft404":
        t = "Page not found" if en else "页面不存在"
        main = ("<h1>Oops! We can't find that page.</h1><p>The link may be broken or the page may "
                "have been removed.</p><p><a href=\"/\">Go to the homepage</a> or try searching.</p>"
                if en else "<h1>抱歉，您访问的页面不存在或已被删除！</h1><p>5秒后自动返回<a href=\"/\">首页</a>"
                "</p><p>您可以：<a href=\"/\">返回首页</a> | <a href=\"javascript:history.back()\">返回上一页</a></p>")
        main += f'<h2>{_e(c["trending"])}</h2><ul>{lst}</ul>'
    elif kind == "login":
        t = "Sign in" if en else "用户登录"
        main = ('<h1>Sign in to your account</h1><form><label>Email or username</label><input name="u">'
                '<label>Password</label><input type="password" name="p"><label><input type="checkbox"> '
                'Remember me</label><button>Sign in</button></form><p><a href="/forgot">Forgot your '
                'password?</a></p><p>New here? <a href="/register">Create an account</a></p>'
                "<p>Or continue with: Google | Apple | Facebook</p>"
                if en else '<h1>用户登录</h1><form>用户名：<input name="u"> 密码：<input type="password" '
                'name="p"> 验证码：<input name="c"> <img src="/captcha.jpg"> <label><input type="checkbox">'
                '下次自动登录</label><button>登录</button></form><p><a href="/forgot">忘记密码？</a> | '
                '<a href="/register">免费注册</a></p><p>其他登录方式：微信 | QQ | 微博</p>')
    elif kind == "category":
        t = "Science" if en else "科技频道"
        rows = "\n".join(
            f'<li><a href="{_a(u)}">{_e(x)}</a> <span class="date">'
            f'{(CRAWL_START - timedelta(days=i * 3 + 1)).strftime("%Y-%m-%d")}</span> '
            f'<a class="more" href="{_a(u)}">{_e(c["more"])}</a></li>' for i, (x, u) in enumerate(titles))
        pager = ("Page 1 of 12 &middot; <a href=\"?page=2\">2</a> <a href=\"?page=3\">3</a> &hellip; "
                 "<a href=\"?page=2\">Next &rsaquo;</a>" if en else
                 "共12页 <a href=\"?page=2\">2</a> <a href=\"?page=3\">3</a> … <a href=\"?page=2\">下一页</a> <a href=\"?page=12\">尾页</a>")
        main = f"<h1>{_e(t)}</h1><ul class=\"list\">{rows}</ul><div class=\"pager\">{pager}</div>"
    elif kind == "tags":
        t = "Tags"
        words = [w for x, _ in titles for w in re.findall(r"[A-Za-z]{5,}", x)]
        main = "<h1>Browse by tag</h1><div class=\"tagcloud\">" + " ".join(
            f'<a href="/tag/{w.lower()}" class="size{rng.randint(1, 5)}">{w.lower()}</a>'
            for w in words) + "</div>"
    elif kind == "sitemap":
        t = "Sitemap" if en else "网站地图"
        secs = "".join(f"<h2>{_e(x)}</h2><ul>" + "".join(
            f'<li><a href="/channel/{i}/{j}">{_e(x)} {j + 1}</a></li>' for j in range(4)) + "</ul>"
            for i, x in enumerate(c["nav"]))
        main = f"<h1>{_e(t)}</h1>{secs}"
    elif kind == "search":
        t = "Search results" if en else "搜索结果"
        main = ("<h1>0 results for &ldquo;flood barrier schedule 2023&rdquo;</h1><p>Sorry, no articles "
                "matched your search. Check your spelling or try fewer keywords.</p><p>Filter by: All | "
                f"News | Opinion | Video &middot; Sort by: Relevance | Newest</p><h2>Popular searches</h2><ul>{lst}</ul>"
                if en else "<h1>抱歉，没有找到与“清河 夜市 停车场 收费标准”相关的结果。</h1><p>建议您：检查输入的关键词是否有误；"
                f"使用较短或较常见的关键词。</p><h2>大家都在搜</h2><ul>{lst}</ul>")
    elif kind == "newsletter":
        t = "Newsletters"
        main = ("<h1>Our newsletters</h1><form><label><input type=\"checkbox\"> Morning Briefing (daily)"
                "</label><label><input type=\"checkbox\"> Weekend Reads (weekly)</label><label><input "
                "type=\"checkbox\"> Food &amp; Drink (weekly)</label><input type=\"email\"><button>Subscribe"
                "</button></form><p>You can unsubscribe at any time. See our Privacy Policy.</p>")
    elif kind == "archive":
        t = "Archive"
        main = "<h1>Archive</h1><ul>" + "".join(
            f'<li><a href="/{y}/{m:02d}/">{datetime(y, m, 1).strftime("%B %Y")}</a> ({rng.randint(8, 60)})</li>'
            for y in (2024, 2023) for m in range(12, 0, -1) if (y, m) <= (2024, 5)) + "</ul>"
    elif kind == "contact":
        t = "Contact us"
        main = ("<h1>Contact us</h1><p>Newsroom: +1 555 0100 &middot; Advertising: +1 555 0101</p>"
                "<p>Example Ledger Media, 1 Example Plaza, Suite 100</p><form><label>Name</label><input>"
                "<label>Email</label><input><label>Subject</label><select><option>General</option>"
                "<option>Corrections</option><option>Advertising</option></select><label>Message</label>"
                "<textarea></textarea><button>Send</button></form>")
    elif kind == "author":
        t = "Hannah Price"
        main = (f"<h1>Hannah Price</h1><p>Staff writer. Follow on X @hprice_example</p>"
                f"<h2>Latest from Hannah Price</h2><ul>{lst}</ul>")
    else:
        raise ValueError(kind)
    page_title = f"{t} | {site.name}" if en else f"{t} - {site.name}"
    lang_attr = "en" if en else "zh-CN"
    html = (_head(lang_attr, _charset_meta(site.charset), page_title) + "<body>\n" + _cookie(site)
            + _nav(site) + f'<main class="page">\n{main}\n</main>\n' + _footer(site, rng)
            + "</body>\n</html>\n")
    return page_title, html


def render_spam_en(group: str, rng: random.Random) -> tuple[str, str]:
    """Keyword-stuffed SEO page: repeated title, repeated lines, link farm, fake phone numbers."""
    kws = content_misc.SPAM_EN_GROUPS[group]
    k = lambda: rng.choice(kws)  # noqa: E731
    ph = lambda: rng.choice(content_misc.SPAM_EN_PHRASES)  # noqa: E731
    phone = f"1-800-555-01{rng.randint(0, 99):02d}"
    title = " | ".join(w.title() for w in rng.sample(kws, 5))
    paras = []
    for _ in range(rng.randint(4, 7)):
        paras.append(" ".join(
            rng.choice([f"{k().title()}!", f"Best {k()} online.", f"Get {k()} now.", f"{ph()}",
                        f"Cheap {k()} and {k()}.", f"{k()} {k()} {k()}.", f"Call {phone}.",
                        f"Top {k()} 2024."]) for _ in range(rng.randint(10, 22))))
    repeated = f"{kws[0].upper()} - {ph()} - CALL {phone}"
    links = " | ".join(f'<a href="http://{_slug(w)}-{rng.randint(1, 99)}.example/">{_e(w)}</a>'
                       for w in (k() for _ in range(rng.randint(40, 80))))
    head = (f'<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n<title>{_e(title)}</title>\n'
            f'<meta name="keywords" content="{_a(", ".join(kws * 3))}">\n'
            f'<meta name="description" content="{_a(" ".join(kws))}">\n</head>\n')
    body = (f"<body>\n<h1>{_e(title)}</h1>\n<h2>{_e(title)}</h2>\n"
            + "\n".join(f"<p>{_e(p)}</p>" for p in paras) + "\n"
            + "\n".join(f"<p><b>{_e(repeated)}</b></p>" for _ in range(rng.randint(6, 12)))
            + f'\n<div class="links">{links}</div>\n'
            f'<div style="display:none">{_e(" ".join(kws * 8))}</div>\n'
            f"<p>Contact: sales@{_slug(kws[0])}.example &middot; {phone} &middot; {ph()}</p>\n"
            f"<footer>{_e(' '.join(kws))} &copy; 2024</footer>\n</body>\n</html>\n")
    return title, head + body


def render_spam_zh(group: str, rng: random.Random, charset_meta: str) -> tuple[str, str]:
    """Chinese SEO spam: lottery/loan/invoice keyword stuffing with contact numbers."""
    kws = content_misc.SPAM_ZH_GROUPS[group]
    k = lambda: rng.choice(kws)  # noqa: E731
    ph = lambda: rng.choice(content_misc.SPAM_ZH_PHRASES)  # noqa: E731
    qq = f"{rng.randint(10000, 99999)}{rng.randint(1000, 9999)}"
    wx = f"kf{rng.randint(100, 999)}_example"
    phone = f"400-555-{rng.randint(1000, 9999)}"
    title = "_".join(rng.sample(kws, 4)) + "-【" + ph() + "】" + kws[0]
    paras = []
    for _ in range(rng.randint(4, 7)):
        paras.append("".join(
            rng.choice([f"{k()}{k()}，", f"{k()}！", f"{ph()}，", f"最好的{k()}，", f"{k()}{k()}{k()}。",
                        f"客服QQ：{qq}，", f"咨询电话{phone}！", f"{k()}就选我们！"])
            for _ in range(rng.randint(10, 20))))
    repeated = f"{kws[0]}{kws[1]}{kws[2]} {ph()} 微信：{wx}"
    links = " ".join(f'<a href="http://www.{rng.choice(["cp", "dk", "fp", "jz", "sc"])}'
                     f'{rng.randint(100, 999)}-example.cn/">{_e(k())}</a>'
                     for _ in range(rng.randint(40, 70)))
    head = (f'<!DOCTYPE html>\n<html>\n<head>\n{charset_meta}\n<title>{_e(title)}</title>\n'
            f'<meta name="keywords" content="{_a(",".join(kws * 3))}">\n'
            f'<meta name="description" content="{_a("".join(kws))}">\n</head>\n')
    body = (f"<body>\n<h1>{_e(title)}</h1>\n"
            + "\n".join(f"<p>{_e(p)}</p>" for p in paras) + "\n"
            + "\n".join(f"<p><font color=red>{_e(repeated)}</font></p>" for _ in range(rng.randint(6, 12)))
            + f'\n<div class="links">友情链接：{links}</div>\n'
            f'<div style="display:none">{_e("".join(kws * 8))}</div>\n'
            f"<p>联系方式：QQ {qq} 微信 {wx} 电话 {phone}</p>\n"
            f"<div class=\"foot\">{_e(' '.join(kws))} 版权所有</div>\n</body>\n</html>\n")
    return title, head + body


def render_junk(text: str, variant: str, lang: str | None) -> str:
    """Near-empty pages: a JS app shell, a bare word, an empty body, a meta refresh."""
    la = {"en": "en", "zh": "zh-CN"}.get(lang or "", "en")
    t = _e(text)
    if variant == "app":
        return (f'<!DOCTYPE html>\n<html lang="{la}"><head><meta charset="utf-8"><title>{t}</title>'
                '<script src="/static/js/vendor.js"></script></head>\n'
                f'<body><div id="app">{t}</div><noscript>{t}</noscript>'
                '<script src="/static/js/main.js"></script></body></html>\n')
    if variant == "bare":
        return f"<html><head><meta charset=\"utf-8\"></head><body>{t}</body></html>\n"
    if variant == "empty":
        return f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{t}</title></head><body></body></html>\n'
    if variant == "refresh":
        return ('<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
                '<meta http-equiv="refresh" content="0; url=/"></head>'
                f"<body><p>{t}</p></body></html>\n")
    raise ValueError(variant)


# =========================================================================== near-dup edits
_EN_SYNONYMS = {"many": "numerous", "often": "frequently", "large": "big", "small": "little",
                "simple": "straightforward", "important": "significant", "because": "since",
                "quickly": "rapidly", "usually": "typically", "very": "really", "find": "discover",
                "people": "individuals", "begin": "start", "help": "assist", "show": "demonstrate"}
_ZH_SYNONYMS = {"我们": "咱们", "非常": "十分", "因为": "由于", "但是": "不过", "可以": "能够",
                "很多": "许多", "一些": "部分", "比如": "例如", "已经": "早已", "时候": "时"}
_ZH_HALFWIDTH = str.maketrans({"，": ",", "。": ".", "！": "!", "？": "?", "：": ":", "；": ";",
                               "（": "(", "）": ")", "“": '"', "”": '"', "、": ","})
_EN_EXTRA = ["This point is often overlooked.", "It is a detail worth remembering.",
             "Readers have asked about this before.", "Opinions on this still differ."]
_ZH_EXTRA = ["这一点往往容易被人忽视。", "对此，业内人士也有不同看法。", "不少读者都曾问过这个问题。"]


def _split_sents(p: str, lang: str) -> list[str]:
    if lang == "en":
        return re.split(r"(?<=[.!?])\s+", p)
    return [s for s in re.split(r"(?<=[。！？])", p) if s]


def _join_sents(ss: list[str], lang: str) -> str:
    return (" " if lang == "en" else "").join(ss)


def make_near_dup(title: str, paras: list[str], lang: str, rng: random.Random, date: datetime) -> tuple[str, list[str], list[str]]:
    """Apply two or three small, realistic edits. Returns (title, paras, edit names)."""
    paras = list(paras)
    pool = ["dateline", "synonyms", "drop_sentence", "add_sentence", "truncate"]
    if lang != "en":
        pool.append("halfwidth_punct")
    edits = sorted(rng.sample(pool, rng.randint(2, 3)), key=pool.index)
    for e in edits:
        mid = rng.randrange(1, len(paras) - 1)
        if e == "dateline":
            line = (f"Updated {date.strftime('%d %B %Y')}, {date.strftime('%H:%M')} GMT. "
                    "This story has been updated with additional details." if lang == "en"
                    else f"{date.strftime('%Y-%m-%d %H:%M')}　来源：网络　编辑：{rng.choice(AUTHORS_ZH)}")
            paras.insert(0, line)
        elif e == "synonyms":
            table = _EN_SYNONYMS if lang == "en" else _ZH_SYNONYMS
            pat = (re.compile(r"\b(" + "|".join(table) + r")\b") if lang == "en"
                   else re.compile("|".join(table)))
            spots = [(i, m.start(), m.group(0)) for i, p in enumerate(paras) for m in pat.finditer(p)]
            for i, pos, w in sorted(rng.sample(spots, min(len(spots), 4)), reverse=True):
                paras[i] = paras[i][:pos] + table[w] + paras[i][pos + len(w):]
        elif e == "drop_sentence":
            ss = _split_sents(paras[mid], lang)
            if len(ss) > 1:
                del ss[rng.randrange(len(ss))]
                paras[mid] = _join_sents(ss, lang)
        elif e == "add_sentence":
            ss = _split_sents(paras[mid], lang)
            ss.insert(rng.randrange(1, len(ss) + 1), rng.choice(_EN_EXTRA if lang == "en" else _ZH_EXTRA))
            paras[mid] = _join_sents(ss, lang)
        elif e == "truncate":
            last = _split_sents(paras.pop(), lang)  # cut the last one or two sentences
            paras.append(_join_sents(last[: max(1, len(last) - rng.randint(1, 2))], lang)
                         + (" [...]" if lang == "en" else "……（未完）"))
        elif e == "halfwidth_punct":
            paras = [p.translate(_ZH_HALFWIDTH) for p in paras]
            title = title.translate(_ZH_HALFWIDTH)
    return title, paras, edits


# =========================================================================== the plan
def _tiny_png() -> bytes:
    """A valid 2x2 grey PNG, built byte by byte so it is deterministic."""
    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))
    raw = b"".join(b"\x00" + b"\x80\x80" for _ in range(2))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def _articles() -> list[dict]:
    """Both article pools with ids, language and script."""
    out = []
    for i, a in enumerate(content_en.ARTICLES):
        out.append(dict(a, id=f"en-{i + 1:02d}", lang="en", script=None))
    for i, a in enumerate(content_zh.ARTICLES):
        hant = a["topic"].endswith("-hant")
        out.append(dict(a, id=f"zh-{i + 1:02d}", lang="zh", topic=a["topic"].removesuffix("-hant"),
                        script="Hant" if hant else "Hans"))
    return out


def _assign_sites(arts: list[dict], rng: random.Random) -> None:
    """Give every article a site, a publication date and a URL."""
    counters: Counter = Counter()
    zh_hist = [a for a in arts if a["lang"] == "zh" and a["topic"] == "history" and a["script"] == "Hans"]
    zh_cult = [a for a in arts if a["lang"] == "zh" and a["topic"] == "culture" and a["script"] == "Hans"]
    for a in arts:
        if a["lang"] == "en":
            a["site"] = TOPIC_SITES_EN[a["topic"]]
        elif a["script"] == "Hant":
            a["site"] = "shibao"
        elif a["topic"] == "history":
            a["site"] = "lishi" if zh_hist.index(a) < 3 else "xinwen"
        elif a["topic"] == "culture":
            a["site"] = "qinghe" if zh_cult.index(a) < 2 else "suibi"
        else:
            a["site"] = TOPIC_SITES_ZH[a["topic"]]
        site = SITES[a["site"]]
        a["date"] = datetime(2024, 3, 1, tzinfo=timezone.utc) + timedelta(
            days=rng.randint(0, 90), hours=rng.randint(6, 21), minutes=rng.randint(0, 59))
        counters[site.key] += 1
        n = 10000 + rng.randint(0, 89999) * 10 + counters[site.key]
        d = a["date"]
        a["url"] = site.base + site.path.format(y=d.year, m=d.month, d=d.day, n=n, slug=_slug(a["title"]))


def _ctx(url: str, art_lang: str, date: datetime, others: list[dict], rng: random.Random, chrome_lang: str,
         **kw) -> ArticleCtx:
    pool = [o for o in others if o["lang"] == art_lang and o["url"] != url]
    rel = [(o["title"], o["url"]) for o in rng.sample(pool, 5)]
    pop = [(o["title"], o["url"]) for o in rng.sample(pool, 5)]
    users, said = (USERS_EN, content_misc.SITE_COMMENTS_EN) if art_lang == "en" else \
        (USERS_ZH, content_misc.SITE_COMMENTS_ZH)
    ago = CHROME[chrome_lang]["ago"]
    comments = [(rng.choice(users), rng.choice(ago), rng.choice(said)) for _ in range(rng.randint(0, 4))]
    author = rng.choice(AUTHORS_EN if art_lang == "en" else AUTHORS_ZH)
    return ArticleCtx(url, date, author, rel, pop, comments, rng, **kw)


def build(seed: int = 0) -> list[Doc]:
    """Build every document of the sample in memory (WARC pages in crawl order, then JSONL
    lines, then HTML files). ``generate`` writes them; tests can use the ``main_text``."""
    rng = random.Random(f"samplecrawl-{seed}")
    arts = _articles()
    _assign_sites(arts, rng)
    by_id = {a["id"]: a for a in arts}

    # Which articles go to pages/ (UTF-8 sites only) and which get copied.
    utf8 = lambda a: SITES[a["site"]].charset.startswith("utf8")  # noqa: E731
    en_ids = [a["id"] for a in arts if a["lang"] == "en"]
    zh_ids = [a["id"] for a in arts if a["lang"] == "zh" and a["script"] == "Hans" and utf8(by_id[a["id"]])]
    hant_ids = [a["id"] for a in arts if a["script"] == "Hant"]
    html_good = rng.sample(en_ids, 5) + rng.sample(zh_ids, 4) + rng.sample(hant_ids, 1)
    warc_good = [a["id"] for a in arts if a["id"] not in html_good]
    warc_en = [i for i in warc_good if i.startswith("en")]
    warc_zh = [i for i in warc_good if i.startswith("zh")]
    exact_src = rng.sample(warc_en, 5) + rng.sample(warc_zh, 5)
    near_src = (rng.sample([i for i in warc_en if i not in exact_src], 10)
                + rng.sample([i for i in warc_zh if i not in exact_src], 10))

    warc: list[Doc] = []
    html_docs: list[Doc] = []

    def label(doc: Doc, **kw) -> Doc:
        doc.label = dict(kw)
        return doc

    # ---- good articles
    for aid in warc_good + html_good:
        a = by_id[aid]
        site = SITES[a["site"]]
        html = render_article(site, a["title"], a["paras"],
                              _ctx(a["url"], a["lang"], a["date"], arts, rng, site.lang))
        main = _main_text(a["title"], a["paras"])
        if aid in html_good:
            fname = (_slug(a["title"]) if a["lang"] == "en" else f"{site.key}-{a['url'].rsplit('/', 1)[1].split('.')[0]}") + ".html"
            doc = Doc(fname, "html", "good", a["lang"], html, url=a["url"], main_text=main)
            html_docs.append(label(doc, topic=a["topic"], script=a["script"], article=aid))
        else:
            doc = Doc(a["url"], "warc", "good", a["lang"], html, server=site.server, main_text=main,
                      headers=[("Last-Modified", format_datetime(a["date"], usegmt=True))])
            _apply_charset(doc, site.charset)
            warc.append(label(doc, topic=a["topic"], script=a["script"], article=aid))

    # ---- exact duplicates: same <article>, different site chrome
    dups: list[Doc] = []
    for j, aid in enumerate(exact_src):
        a = by_id[aid]
        site = SITES[(["mirror-en", "aggregator"] if a["lang"] == "en" else ["zhuanzai", "caiji"])[j % 2]]
        n = 500000 + rng.randint(0, 99999)
        url = site.base + site.path.format(y=2024, m=6, d=1, n=n, slug=_slug(a["title"]))
        when = a["date"] + timedelta(days=rng.randint(1, 20))
        html = render_article(site, a["title"], a["paras"],
                              _ctx(url, a["lang"], when, arts, rng, site.lang,
                                   source_name=SITES[a["site"]].name, source_url=a["url"]))
        doc = Doc(url, "warc", "exact_dup", a["lang"], html, server=site.server,
                  main_text=_main_text(a["title"], a["paras"]))
        dups.append(label(doc, topic=a["topic"], script=a["script"], article=aid, dup_of=a["url"],
                          similarity=1.0, similarity_raw=1.0))

    # ---- near duplicates: syndicated/print copies with small edits
    for j, aid in enumerate(near_src):
        a = by_id[aid]
        when = a["date"] + timedelta(days=rng.randint(0, 10), hours=rng.randint(1, 12))
        title, paras, edits = make_near_dup(a["title"], a["paras"], a["lang"], rng, when)
        if j % 3 == 0:  # print view on the same site
            site = SITES[a["site"]]
            url = a["url"] + ("&" if "?" in a["url"] else "?") + "print=1"
        else:
            site = SITES["syndicate" if a["lang"] == "en" else "zixun"]
            n = 700000 + rng.randint(0, 99999)
            url = site.base + site.path.format(y=when.year, m=when.month, d=when.day, n=n, slug=_slug(title))
        html = render_article(site, title, paras, _ctx(url, a["lang"], when, arts, rng, site.lang))
        main = _main_text(title, paras)
        orig = _main_text(a["title"], a["paras"])
        kw = dict(topic=a["topic"], script=a["script"], article=aid, dup_of=a["url"], edits=edits,
                  similarity=round(jaccard(main, orig, a["lang"], normalize=True), 3),
                  similarity_raw=round(jaccard(main, orig, a["lang"]), 3))
        if j in (0, 10):  # one English and one Chinese near-dup go to pages/
            fname = (_slug(a["title"]) + "-1.html" if a["lang"] == "en" else f"zixun-{j}-{rng.randint(1000, 9999)}.html")
            html_docs.append(label(Doc(fname, "html", "near_dup", a["lang"], html, url=url, main_text=main), **kw))
        else:
            doc = Doc(url, "warc", "near_dup", a["lang"], html, server=site.server, main_text=main)
            _apply_charset(doc, site.charset)
            dups.append(label(doc, **kw))

    # ---- boilerplate-only pages
    en_titles = [(a["title"], a["url"]) for a in arts if a["lang"] == "en"]
    zh_titles = [(a["title"], a["url"]) for a in arts if a["lang"] == "zh" and a["script"] == "Hans"]
    bp = [("soft404", "ledger", "/2023/11/budget-what-it-means-for-you.html"),
          ("login", "wellness", "/account/login?next=%2Fhealth%2F"),
          ("category", "techreview", "/science/"),
          ("tags", "outdoors", "/tags/"),
          ("sitemap", "gazette", "/sitemap/"),
          ("search", "ledger", "/search?q=flood+barrier+schedule+2023"),
          ("newsletter", "ledger", "/newsletters"),
          ("archive", "travelnotes", "/archive/"),
          ("contact", "ledger", "/contact-us"),
          ("author", "wellness", "/author/hannah-price"),
          ("soft404", "xinwen", "/news/2023-12/01/content_000000.htm"),
          ("login", "keji", "/member/login.php"),
          ("category", "xinwen", "/keji/index.shtml"),
          ("sitemap", "jiankang", "/sitemap.html"),
          ("search", "qinghe", "/search.aspx?kw=%C7%E5%BA%D3")]
    for i, (kind, sk, path) in enumerate(bp):
        site = SITES[sk]
        titles = rng.sample(en_titles if site.lang == "en" else zh_titles, rng.randint(10, 20))
        _, html = render_boilerplate(kind, site, titles, rng)
        lang = "en" if site.lang == "en" else "zh"
        if i == 2:  # the science index page goes to pages/
            html_docs.append(label(Doc("category-science.html", "html", "boilerplate", lang, html,
                                       url=site.base + path), kind=kind))
            continue
        doc = Doc(site.base + path, "warc", "boilerplate", lang, html, server=site.server)
        _apply_charset(doc, site.charset)
        warc.append(label(doc, kind=kind))

    # ---- spam
    en_groups = list(content_misc.SPAM_EN_GROUPS)
    for i in range(15):
        g = en_groups[i % len(en_groups)]
        title, html = render_spam_en(g, rng)
        host = f"{_slug(content_misc.SPAM_EN_GROUPS[g][i // len(en_groups)])}-{rng.randint(10, 99)}.example"
        path = f"/{_slug(title.split(' | ')[0])}-{rng.randint(100, 999)}.html"
        if i == 0:
            html_docs.append(label(Doc("best-" + path.strip("/"), "html", "spam", "en", html,
                                       url=f"http://{host}{path}"), kind=g))
            continue
        warc.append(label(Doc(f"http://{host}{path}", "warc", "spam", "en", html, server="Apache"), kind=g))
    zh_groups = list(content_misc.SPAM_ZH_GROUPS)
    zh_hosts = {"lottery": "caipiao-example.cn", "loans": "daikuan-example.cn", "invoice": "fapiao-example.cn",
                "parttime": "jianzhi-example.cn", "diet": "shoushen-example.cn", "replica": "gaofang-example.cn"}
    for i in range(15):
        g = zh_groups[i % len(zh_groups)]
        gbk = i in (0, 6)  # two lottery spam pages on an old GBK site
        title, html = render_spam_zh(g, rng, _charset_meta("gb2312" if gbk else "utf8"))
        url = f"http://{'www.' if i >= 6 else ''}{zh_hosts[g]}/{['kaijiang', 'zhuce', 'news', 'index'][i % 4]}/{rng.randint(1000, 9999)}.html"
        doc = Doc(url, "warc", "spam", "zh", html, server="nginx")
        _apply_charset(doc, "gb2312" if gbk else "utf8")
        warc.append(label(doc, kind=g))

    # ---- short junk
    page_junk_en = [x for x in content_misc.JUNK_EN if x not in ("first!", "+1", "lol", "...", "bump")]
    page_junk_zh = [x for x in content_misc.JUNK_ZH if x not in ("沙发", "顶", "赞", "mark一下", "。。。", "已删除", "该内容已被隐藏")]
    junk_pick = [(t, "en") for t in rng.sample(page_junk_en, 13)] + [(t, "zh") for t in rng.sample(page_junk_zh, 8)]
    variants = ["app", "bare", "empty", "refresh"]
    junk_hosts = ["www.example-news.com", "www.example-kitchen.com", "www.example-xinwen.cn",
                  "blog.example-suibi.cn", "shop.example-store.com", "app.example-portal.com"]
    for i, (t, lang) in enumerate(junk_pick):
        v = "refresh" if t.startswith("Redirect") else variants[i % 3]
        html = render_junk(t, v, lang)
        jlang = None if re.fullmatch(r"[\d\-]+", t) or t in ("OK", "null", "ERROR") else lang
        if i == 0:
            html_docs.append(label(Doc(f"{_slug(t) or 'page'}.html", "html", "junk", jlang, html, url="https://app.example-portal.com/"),
                                   kind=v, note=t))
            continue
        url = f"https://{junk_hosts[i % len(junk_hosts)]}/{['p', 'share', 'go', 'view', 'm'][i % 5]}/{rng.getrandbits(32):08x}"
        warc.append(label(Doc(url, "warc", "junk", jlang, html, server="nginx"), kind=v, note=t))

    # ---- other languages
    for j, art in enumerate(content_misc.OTHER_LANG):
        site = SITES[art["lang"]]
        cs = {"latin1": "latin1", "cp1252": "cp1252"}.get(art["charset_hint"], "utf8")
        site = Site(**{**site.__dict__, "charset": cs})
        url = site.base + site.path.format(slug=_slug(art["title"]) or f"p{j}", n=3000 + j * 7)
        html = render_other_lang(site, art, url, rng)
        doc = Doc(url, "warc", "other_lang", art["lang"], html, server=site.server,
                  main_text=_main_text(art["title"], art["paras"]))
        _apply_charset(doc, cs)
        warc.append(label(doc))

    # ---- responses a reader must skip
    ledger = SITES["ledger"]
    target = next(a for a in arts if a["site"] == "ledger" and a["id"] in warc_good)
    warc.append(label(Doc(ledger.base + "/2024/01/this-page-was-removed.html", "warc", "http_404", None,
                          "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>404 Not Found</title></head>"
                          "<body><h1>Not Found</h1><p>The requested URL was not found on this server.</p>"
                          "<hr><address>nginx/1.24.0</address></body></html>\n",
                          status=404, server=ledger.server)))
    warc.append(label(Doc("http://www.example-news.com/?p=48213", "warc", "redirect", None,
                          "<html><head><title>301 Moved Permanently</title></head><body><center><h1>301 Moved "
                          "Permanently</h1></center><hr><center>nginx/1.24.0</center></body></html>\n",
                          status=301, server=ledger.server, headers=[("Location", target["url"])]),
                      note=target["url"]))
    warc.append(label(Doc(ledger.base + "/static/img/logo-small.png", "warc", "binary", None, mime="image/png",
                          header_charset=None, body=_tiny_png(), server=ledger.server)))

    # ---- crawl order: shuffle, then place every copy somewhere after its original
    rng.shuffle(warc)
    for d in dups:
        orig = next(i for i, w in enumerate(warc) if w.id == d.label["dup_of"])
        warc.insert(rng.randint(orig + 1, len(warc)), d)

    # ---- JSONL comments
    jsonl: list[Doc] = []
    items = ([("offensive", "en", t) for t in content_misc.OFFENSIVE_EN]
             + [("comment", "en", t) for t in content_misc.CIVIL_EN]
             + [("offensive", "zh", t) for t in content_misc.OFFENSIVE_ZH]
             + [("comment", "zh", t) for t in content_misc.CIVIL_ZH]
             + [("junk", "zh" if re.search("[\u4e00-\u9fff]", t) else ("en" if re.search("[a-z]", t) else None), t)
                for t in ["first!", "+1", "lol", "...", "bump", "沙发", "顶", "赞", "mark一下", "。。。", "已删除",
                          "该内容已被隐藏"]])
    rng.shuffle(items)
    t0 = datetime(2024, 5, 1, tzinfo=timezone.utc)
    for k, (cat, lang, text) in enumerate(items):
        t0 += timedelta(minutes=rng.randint(3, 600))
        if lang == "zh" or (lang is None and k % 2):
            url = f"https://bbs.example-luntan.cn/thread-{rng.randint(100000, 999999)}-1-1.html#pid{rng.randint(10**6, 10**7)}"
        else:
            url = f"https://forum.example-community.com/t/{rng.randint(1000, 99999)}/{rng.randint(2, 80)}"
        doc = Doc(f"cmt-{k + 1:05d}", "jsonl", cat, lang, text, url=url,
                  created=t0.strftime("%Y-%m-%dT%H:%M:%SZ"))
        jsonl.append(label(doc))

    # ---- pages only FineWeb's line rules reject, appended at the end of the crawl with their own
    # RNG, so that adding them left every earlier page, id and position unchanged
    frng = random.Random(f"samplecrawl-fineweb-{seed}")
    for j, page in enumerate(content_misc.FINEWEB_ONLY):
        site = SITES[page["site"]]
        when = datetime(2024, 5, 20, tzinfo=timezone.utc) + timedelta(
            days=frng.randint(0, 12), hours=frng.randint(6, 21), minutes=frng.randint(0, 59))
        n = 900000 + frng.randint(0, 9999) * 10 + j
        url = site.base + site.path.format(y=when.year, m=when.month, d=when.day, n=n,
                                           slug=_slug(page["title"]))
        html = render_article(site, page["title"], page["lines"],
                              _ctx(url, page["lang"], when, arts, frng, site.lang))
        doc = Doc(url, "warc", "fineweb_only", page["lang"], html, server=site.server,
                  main_text=_main_text(page["title"], page["lines"]),
                  headers=[("Last-Modified", format_datetime(when, usegmt=True))])
        _apply_charset(doc, site.charset)
        warc.append(label(doc, kind=page["kind"], script="Hans" if page["lang"] == "zh" else None))

    html_docs.sort(key=lambda d: d.id)
    ids = [d.id for d in warc + jsonl + html_docs]
    assert len(ids) == len(set(ids)), "document ids must be unique"
    return warc + jsonl + html_docs


# =========================================================================== writers
def _http_date(dt: datetime) -> str:
    return format_datetime(dt, usegmt=True)


def write_warc(docs: list[Doc], rng: random.Random) -> bytes:
    """WARC/1.1: warcinfo, then request + response per page; one gzip member per record,
    compressed by Python's gzip with mtime=0 so the bytes do not depend on the clock."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()

    def emit(record) -> None:
        buf = io.BytesIO()
        WARCWriter(buf, gzip=False, warc_version="1.1").write_record(record)
        out.write(gzip.compress(buf.getvalue(), compresslevel=9, mtime=0))

    builder = WARCWriter(io.BytesIO(), gzip=False, warc_version="1.1")
    info = (f"software: {GENERATOR}\r\nformat: WARC File Format 1.1\r\n"
            "conformsTo: https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n"
            "isPartOf: corpuskit-sample-crawl\r\nrobots: classic\r\n"
            "description: Synthetic mixed English/Chinese sample crawl; all text written for corpuskit.\r\n"
            f"http-header-user-agent: {USER_AGENT}\r\n").encode()
    emit(builder.create_warc_record("", "warcinfo", payload=io.BytesIO(info), length=len(info),
                                    warc_headers_dict={"WARC-Type": "warcinfo", "WARC-Record-ID": _uuid(rng),
                                                       "WARC-Date": CRAWL_START.strftime("%Y-%m-%dT%H:%M:%SZ"),
                                                       "WARC-Filename": "crawl.warc.gz"}))
    now = CRAWL_START
    for d in docs:
        now += timedelta(seconds=rng.randint(1, 45))
        wdate = now.strftime("%Y-%m-%dT%H:%M:%SZ")
        body = d.body_bytes()
        host = re.match(r"https?://([^/]+)", d.id).group(1)
        path = d.id[len(re.match(r"https?://[^/]+", d.id).group(0)):] or "/"
        ip = f"{rng.choice(['192.0.2', '198.51.100', '203.0.113'])}.{rng.randint(1, 254)}"
        resp_id, req_id = _uuid(rng), _uuid(rng)
        req = StatusAndHeaders(f"GET {path} HTTP/1.1", [
            ("Host", host), ("User-Agent", USER_AGENT),
            ("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
            ("Accept-Language", "en-US,en;q=0.8,zh-CN;q=0.6"), ("Accept-Encoding", "identity"),
            ("Connection", "close")], is_http_request=True)
        emit(builder.create_warc_record(d.id, "request", http_headers=req, warc_headers_dict={
            "WARC-Type": "request", "WARC-Record-ID": req_id, "WARC-Date": wdate,
            "WARC-Concurrent-To": resp_id}))
        ctype = d.mime + (f"; charset={d.header_charset}" if d.header_charset else "")
        reason = {200: "OK", 301: "Moved Permanently", 404: "Not Found"}[d.status]
        hdrs = [("Date", _http_date(now)), ("Server", d.server), ("Content-Type", ctype),
                ("Content-Length", str(len(body)))] + d.headers + [("Connection", "close")]
        resp = StatusAndHeaders(f"{d.status} {reason}", hdrs, protocol="HTTP/1.1")
        emit(builder.create_warc_record(d.id, "response", payload=io.BytesIO(body), length=len(body),
                                        http_headers=resp, warc_headers_dict={
                                            "WARC-Type": "response", "WARC-Record-ID": resp_id,
                                            "WARC-Date": wdate, "WARC-IP-Address": ip}))
    return out.getvalue()


LABEL_KEYS = ["id", "source", "category", "lang", "script", "topic", "article", "dup_of", "similarity",
              "similarity_raw", "edits", "kind", "note", "encoding", "header_charset", "status",
              "main_text_sha1"]


def _label_row(d: Doc) -> dict:
    row = {k: None for k in LABEL_KEYS}
    row.update(id=d.id, source=d.source, category=d.category, lang=d.lang)
    row.update({k: v for k, v in d.label.items() if k in row})
    if d.source == "warc":
        row.update(encoding=d.encoding if d.body is None else None, header_charset=d.header_charset,
                   status=d.status)
    if d.main_text is not None:
        row["main_text_sha1"] = _sha1(d.main_text)
    return row


def _counts(docs: list[Doc]) -> dict:
    total, by_src, by_lang = Counter(), defaultdict(Counter), defaultdict(Counter)
    for d in docs:
        total[d.category] += 1
        by_src[d.source][d.category] += 1
        by_lang[d.category][d.lang or "none"] += 1
    return {"total": dict(sorted(total.items())),
            "by_source": {s: dict(sorted(c.items())) for s, c in sorted(by_src.items())},
            "by_lang": {c: dict(sorted(v.items())) for c, v in sorted(by_lang.items())}}


_CATEGORY_NOTES = {
    "good": "well-formed articles (300+ words / 400+ characters) inside realistic site chrome",
    "boilerplate": "pages that are all navigation, forms, link lists or soft-404 text",
    "spam": "keyword-stuffed SEO pages (gambling, loans, pills, replicas, invoices, part-time jobs)",
    "fineweb_only": "well-punctuated pages that pass Gopher and C4 but fail FineWeb: Q&A lists of short lines, "
                    "notices that repeat one stock sentence",
    "exact_dup": "an article's main text, byte-identical, on a mirror/aggregator site",
    "near_dup": "an article with 2-3 small edits (dateline, synonyms, +/- a sentence, truncation, "
                "half-width punctuation)",
    "offensive": "hostile forum comments (mild-to-moderate insults, no slurs, nothing sexual)",
    "comment": "civil forum comments of similar length (some with words like 'idiot' used harmlessly)",
    "junk": "near-empty documents: 'Loading...', '订阅', a lone date, nav-only lines",
    "other_lang": "French, German, Spanish and Japanese pages for the language-ID stage",
    "http_404": "a real 404 response", "redirect": "a 301 with a Location header",
    "binary": "an image/png response",
}


def _charset_counts(docs: list[Doc]) -> Counter:
    """How many WARC pages fall in each charset situation the README describes."""
    c: Counter = Counter()
    for d in docs:
        if d.source != "warc" or d.body is not None:
            continue
        meta = re.search(r'charset="?([\w-]+)', d.html[:2000])
        c[(d.header_charset, meta.group(1) if meta else None)] += 1
    return c


def _readme(counts: dict, sizes: dict, seed: int, cs: Counter) -> str:
    lines = ["# Sample crawl", "",
             "A small, synthetic, mixed English/Chinese web crawl for the quickstart pipeline. Every",
             "text in it was written for corpuskit (see `benchmarks/samplecrawl/content_*.py`); the",
             "domains are fictional (`.example`, `example-*`).", "",
             "Regenerate (byte-for-byte identical for the same seed):", "",
             "```", "python benchmarks/make_sample_crawl.py pipelines/sample-crawl --seed 0", "```", "",
             "## Files", "",
             "| file | what |", "|---|---|",
             f"| `crawl.warc.gz` ({sizes['crawl.warc.gz']:,} bytes) | WARC/1.1, one gzip member per record: a "
             "`warcinfo` record, then a `request` + `response` pair per page. |",
             f"| `comments.jsonl.gz` ({sizes['comments.jsonl.gz']:,} bytes) | forum comments, one JSON object per "
             "line: `id`, `text`, `url`, `created`. Plain text. |",
             f"| `pages/` ({sizes['pages']:,} bytes) | UTF-8 `.html` files for the HTML-directory reader. |",
             f"| `labels.jsonl` ({sizes['labels.jsonl']:,} bytes) | ground truth, one line per document. |", "",
             "## Counts", "",
             "| category | total | warc | jsonl | html | languages | what |", "|---|---|---|---|---|---|---|"]
    for cat, n in counts["total"].items():
        src = [str(counts["by_source"].get(s, {}).get(cat, 0)) for s in ("warc", "jsonl", "html")]
        langs = ", ".join(f"{k} {v}" for k, v in counts["by_lang"][cat].items())
        lines.append(f"| {cat} | {n} | {' | '.join(src)} | {langs} | {_CATEGORY_NOTES.get(cat, '')} |")
    lines += ["", f"Total documents: {sum(counts['total'].values())}.", "",
              "## Charsets in the WARC", "",
              f"Most responses ({cs[('utf-8', 'utf-8')]}) are `text/html; charset=utf-8` with a matching "
              "`<meta charset>`. On purpose:", "",
              f"- {cs[('gb2312', 'gb2312')]} pages in GBK bytes with `charset=gb2312` in the HTTP header and "
              "`<meta charset=\"gb2312\">` (an old newspaper site and two lottery-spam pages). Some contain "
              "characters outside GB2312: decode as GB18030, not strict GB2312.",
              f"- {cs[(None, 'gbk')]} pages in GBK with no charset in the HTTP header, only "
              "`<meta http-equiv=\"Content-Type\" content=\"text/html; charset=gbk\">`.",
              f"- {cs[('ISO-8859-1', None)]} French page in ISO-8859-1 and {cs[('windows-1252', None)]} German "
              "page in windows-1252 (it contains `€`), charset only in the HTTP header.",
              f"- {cs[(None, 'utf-8')]} magazine pages with no charset in the HTTP header, only "
              "`<meta charset=\"utf-8\">`.",
              "- Non-documents to skip: a 404, a 301 redirect (with `Location`) and an `image/png`.", "",
              "## labels.jsonl", "",
              "One object per document with the same keys on every line:", "",
              "- `id`: the `WARC-Target-URI` (WARC), the `id` field (JSONL) or the file name (pages/).",
              "- `source` (`warc`/`jsonl`/`html`), `category` (table above), `lang` "
              "(`en`, `zh`, `fr`, `de`, `es`, `ja`, or null for language-less junk), `script` "
              "(`Hans`/`Hant` for Chinese articles).",
              "- `article`: the article id the page was built from; `dup_of`: the URL of the original "
              "for `exact_dup`/`near_dup`; `similarity`: Jaccard of 5-gram shingles (words for English, "
              "characters for Chinese) between the copy's and the original's main text after NFKC and "
              "CJK-punctuation folding (`similarity_raw`: without it); `edits`: the near-dup edits applied.",
              "- `encoding` (Python codec of the body), `header_charset`, `status` for WARC records; "
              "`kind` for spam/boilerplate/junk sub-kinds; `main_text_sha1`: SHA-1 of the "
              "ground-truth main text (title, blank line, paragraphs separated by blank lines).", "",
              "`samplecrawl.build(seed)` (in `benchmarks/`) returns the same documents in memory, including "
              "the ground-truth `main_text`, for tests and benchmarks.", ""]
    return "\n".join(lines)


def generate(out_dir: str | Path, seed: int = 0) -> dict:
    """Write the sample crawl into ``out_dir``; return counts per category (and by source/lang)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    docs = build(seed)
    warc_docs = [d for d in docs if d.source == "warc"]
    jsonl_docs = [d for d in docs if d.source == "jsonl"]
    html_docs = [d for d in docs if d.source == "html"]

    (out / "crawl.warc.gz").write_bytes(write_warc(warc_docs, random.Random(f"samplecrawl-warc-{seed}")))

    lines = "".join(json.dumps({"id": d.id, "text": d.html, "url": d.url, "created": d.created},
                               ensure_ascii=False) + "\n" for d in jsonl_docs)
    (out / "comments.jsonl.gz").write_bytes(gzip.compress(lines.encode("utf-8"), compresslevel=9, mtime=0))

    pages = out / "pages"
    pages.mkdir(exist_ok=True)
    for old in sorted(pages.glob("*.html")):  # only our own earlier output lives here
        old.unlink()
    for d in html_docs:
        (pages / d.id).write_bytes(d.html.encode("utf-8"))

    (out / "labels.jsonl").write_text(
        "".join(json.dumps(_label_row(d), ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")

    counts = _counts(docs)
    sizes = {p: (out / p).stat().st_size for p in ("crawl.warc.gz", "comments.jsonl.gz", "labels.jsonl")}
    sizes["pages"] = sum(f.stat().st_size for f in pages.glob("*.html"))
    (out / "README.md").write_text(_readme(counts, sizes, seed, _charset_counts(docs)), encoding="utf-8")
    return counts
