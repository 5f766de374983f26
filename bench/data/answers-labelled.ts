// The labelled evaluation set of self-service answers: wallet questions as customers type them, written
// for Kefu (not scraped, not generated from the articles), in English and Chinese. Each names the case
// category an agent would file it under and the starter help topics (libs/help-centre starter-topics)
// that answer it; `articles` lists every topic that is a correct answer. Written separately from the
// classifier's training phrases (libs/self-service/src/domain/training-phrases.ts) and never used to
// train anything. bench/answers.bench.ts and answers-accuracy.int-spec.ts measure against it.

export interface LabelledQuestion {
  language: 'en' | 'zh';
  question: string;
  category: string;
  articles: string[];
}

const en = (question: string, category: string, ...articles: string[]): LabelledQuestion => ({
  language: 'en',
  question,
  category,
  articles,
});
const zh = (question: string, category: string, ...articles: string[]): LabelledQuestion => ({
  language: 'zh',
  question,
  category,
  articles,
});

export const LABELLED_QUESTIONS: LabelledQuestion[] = [
  // payment_failed
  en('Why does my payment keep failing at the supermarket?', 'payment_failed', 'payment-failed'),
  en(
    'The shop said my wallet payment was declined, but I have money in it',
    'payment_failed',
    'payment-failed',
  ),
  en('Payment error when I try to pay a merchant online', 'payment_failed', 'payment-failed'),
  en(
    'I was charged but the order says payment failed, do I get the money back?',
    'payment_failed',
    'payment-debited-order-failed',
    'payment-failed',
  ),
  en('money left my balance but the taxi app says unpaid', 'payment_failed', 'payment-debited-order-failed'),
  en('cant pay, it says risk control', 'payment_failed', 'payment-failed'),
  zh('为什么我在超市付款总是失败？', 'payment_failed', 'payment-failed'),
  zh('商家说我的钱包付不了，但是余额是够的', 'payment_failed', 'payment-failed'),
  zh(
    '付款失败了，钱却被扣了，会退回来吗',
    'payment_failed',
    'payment-debited-order-failed',
    'payment-failed',
  ),
  zh('打车软件显示未支付，可是余额已经少了', 'payment_failed', 'payment-debited-order-failed'),
  zh('网购付款的时候一直提示支付失败', 'payment_failed', 'payment-failed'),
  zh('支付的时候说被风控了付不了', 'payment_failed', 'payment-failed'),

  // account_locked
  en(
    'I typed the wrong password a few times and now my account is locked',
    'account_locked',
    'account-locked',
  ),
  en('How long until my locked account opens again?', 'account_locked', 'account-locked'),
  en(
    'My wallet has been restricted because of suspicious activity, what do I do?',
    'account_locked',
    'account-locked',
  ),
  en('cannot log in, it says account locked', 'account_locked', 'account-locked'),
  zh('密码输错几次之后账户被锁定了', 'account_locked', 'account-locked'),
  zh('账户锁定了要多久才能解开？', 'account_locked', 'account-locked'),
  zh('系统说检测到可疑活动，把我的账户锁了', 'account_locked', 'account-locked'),
  zh('登录提示账户已锁定怎么办', 'account_locked', 'account-locked'),

  // account_stolen
  en('Someone hacked my wallet and sent money to a stranger', 'account_stolen', 'account-stolen'),
  en(
    'I think my account was stolen, I got a login alert from another city',
    'account_stolen',
    'account-stolen',
  ),
  en('My phone was stolen last night, please freeze my wallet', 'account_stolen', 'account-stolen'),
  en(
    'somebody changed my password and I cannot get in, the balance is gone',
    'account_stolen',
    'account-stolen',
  ),
  zh('我的账户被盗了，钱被转给了陌生人', 'account_stolen', 'account-stolen'),
  zh('收到异地登录提醒，我怀疑账号被盗', 'account_stolen', 'account-stolen'),
  zh('手机昨晚被偷了，请帮我冻结钱包', 'account_stolen', 'account-stolen'),
  zh('有人改了我的密码，余额都没了', 'account_stolen', 'account-stolen'),

  // password_reset
  en('The verification code never arrives on my phone', 'password_reset', 'password-reset'),
  en('I asked for a password reset link but nothing came', 'password_reset', 'password-reset'),
  en('I forgot my payment password, how do I reset it?', 'password_reset', 'payment-password'),
  en('not getting the sms code to log in', 'password_reset', 'password-reset'),
  en(
    'I changed my phone number and now I cannot reset the payment password',
    'password_reset',
    'payment-password',
  ),
  zh('手机一直收不到短信验证码', 'password_reset', 'password-reset'),
  zh('申请了重置密码，但没收到链接', 'password_reset', 'password-reset'),
  zh('支付密码忘记了怎么重置', 'password_reset', 'payment-password'),
  zh('登录的时候验证码收不到', 'password_reset', 'password-reset'),
  zh('换了手机号，支付密码重置不了', 'password_reset', 'payment-password'),

  // transaction_dispute
  en(
    'I paid for a phone two weeks ago and the seller never shipped it',
    'transaction_dispute',
    'dispute-transaction',
  ),
  en(
    'The shoes I received are fake, not what was described. Can you help?',
    'transaction_dispute',
    'dispute-transaction',
  ),
  en('How do I open a dispute against a merchant?', 'transaction_dispute', 'dispute-transaction'),
  en(
    'merchant is ignoring me after I paid, I want to dispute the payment',
    'transaction_dispute',
    'dispute-transaction',
  ),
  zh('两周前付款买了手机，卖家一直没发货', 'transaction_dispute', 'dispute-transaction'),
  zh('收到的鞋是假的，和描述的不一样，怎么办', 'transaction_dispute', 'dispute-transaction'),
  zh('怎么对商户发起争议？', 'transaction_dispute', 'dispute-transaction'),
  zh('付款后商家就不回消息了，我想申请争议', 'transaction_dispute', 'dispute-transaction'),

  // refund
  en('How can I get my money back for an order I cancelled?', 'refund', 'request-refund'),
  en('The merchant agreed to refund me, what happens now?', 'refund', 'request-refund'),
  en('I sent money to the wrong account, can you reverse it?', 'refund', 'request-refund'),
  en('want to return a jacket and get a refund', 'refund', 'request-refund'),
  zh('取消的订单怎么把钱退回来？', 'refund', 'request-refund'),
  zh('商家同意退款了，接下来怎么办', 'refund', 'request-refund'),
  zh('钱转错人了，能帮我撤回吗', 'refund', 'request-refund'),
  zh('衣服想退货退款', 'refund', 'request-refund'),

  // refund_not_received
  en(
    'The shop says they refunded me a week ago but I still have nothing',
    'refund_not_received',
    'refund-not-received',
  ),
  en(
    'Refund status is completed but the money is not on my card',
    'refund_not_received',
    'refund-not-received',
  ),
  en('How many days does a refund to a bank card take?', 'refund_not_received', 'refund-not-received'),
  en('where is my refund??', 'refund_not_received', 'refund-not-received'),
  zh('商家说一周前就退款了，我还没收到', 'refund_not_received', 'refund-not-received'),
  zh('退款状态显示已完成，但是银行卡里没有钱', 'refund_not_received', 'refund-not-received'),
  zh('退款到银行卡要几天？', 'refund_not_received', 'refund-not-received'),
  zh('我的退款到底什么时候到', 'refund_not_received', 'refund-not-received'),

  // abnormal_charge
  en('There is a payment on my bill I never made', 'abnormal_charge', 'unknown-charge'),
  en('I was charged twice for the same coffee', 'abnormal_charge', 'unknown-charge'),
  en(
    'What is this charge from a company I have never heard of?',
    'abnormal_charge',
    'unknown-charge',
    'auto-debit',
  ),
  en('my balance dropped by 30 and I have no idea why', 'abnormal_charge', 'unknown-charge'),
  zh('账单里有一笔我没有付过的款', 'abnormal_charge', 'unknown-charge'),
  zh('同一杯咖啡扣了我两次钱', 'abnormal_charge', 'unknown-charge'),
  zh('这笔扣款是什么公司的，我从来没听说过', 'abnormal_charge', 'unknown-charge', 'auto-debit'),
  zh('余额突然少了30块，不知道为什么', 'abnormal_charge', 'unknown-charge'),

  // card_unbinding
  en('I cannot remove my old bank card from the wallet', 'card_unbinding', 'card-unbinding'),
  en('Unbinding my card fails with an error about a pending transaction', 'card_unbinding', 'card-unbinding'),
  en('how to unlink a credit card', 'card_unbinding', 'card-unbinding'),
  zh('旧的银行卡删不掉', 'card_unbinding', 'card-unbinding'),
  zh('解绑银行卡时提示有交易未完成', 'card_unbinding', 'card-unbinding'),
  zh('信用卡怎么解除绑定', 'card_unbinding', 'card-unbinding'),

  // cross_border
  en('Can I pay with the wallet when I travel to Japan?', 'cross_border', 'cross-border'),
  en('What exchange rate do you use for payments in euros?', 'cross_border', 'cross-border'),
  en('Is there a fee for paying in a foreign currency?', 'cross_border', 'cross-border', 'fees'),
  zh('去日本旅游可以用钱包付款吗？', 'cross_border', 'cross-border'),
  zh('用欧元付款按什么汇率算？', 'cross_border', 'cross-border'),
  zh('外币支付要收手续费吗', 'cross_border', 'cross-border', 'fees'),

  // fees
  en('How much does it cost to withdraw money to my bank?', 'fees', 'fees'),
  en('Why did I pay a fee when I topped up with my credit card?', 'fees', 'fees'),
  en('Are transfers to friends free?', 'fees', 'fees'),
  zh('提现到银行卡要多少手续费？', 'fees', 'fees'),
  zh('为什么用信用卡充值被收了手续费', 'fees', 'fees'),
  zh('给朋友转账免费吗', 'fees', 'fees'),

  // privacy
  en('Do you sell my personal information to advertisers?', 'privacy', 'privacy'),
  en('I want all my personal data deleted', 'privacy', 'privacy'),
  en('How can I get a copy of the data you hold about me?', 'privacy', 'privacy'),
  zh('你们会把我的个人信息卖给广告商吗？', 'privacy', 'privacy'),
  zh('我要删除我所有的个人数据', 'privacy', 'privacy'),
  zh('怎么导出你们保存的我的信息', 'privacy', 'privacy'),

  // technical
  en('The app crashes as soon as I open it', 'technical', 'app-not-working'),
  en('After the latest update I only see a white screen', 'technical', 'app-not-working'),
  en('app freezes on the loading page', 'technical', 'app-not-working'),
  zh('一打开App就闪退', 'technical', 'app-not-working'),
  zh('更新之后打开只有白屏', 'technical', 'app-not-working'),
  zh('App卡在加载页面不动', 'technical', 'app-not-working'),

  // feature_question
  en(
    'How do I stop a streaming service from charging my wallet every month?',
    'feature_question',
    'auto-debit',
  ),
  en('How long does it take for a withdrawal to reach my bank?', 'feature_question', 'withdrawal'),
  en('What is the maximum I can transfer in one day?', 'feature_question', 'transfer-limits'),
  en('How do I set up fingerprint payment?', 'feature_question', 'two-factor'),
  en('How do I link a new debit card?', 'feature_question', 'bind-card'),
  en('Can I turn on two step verification for logins?', 'feature_question', 'two-factor'),
  zh('怎么取消视频会员每个月的自动扣费？', 'feature_question', 'auto-debit'),
  zh('提现到银行卡多长时间到账？', 'feature_question', 'withdrawal'),
  zh('一天最多能转账多少钱？', 'feature_question', 'transfer-limits'),
  zh('指纹支付在哪里设置？', 'feature_question', 'two-factor'),
  zh('怎么添加一张新的借记卡？', 'feature_question', 'bind-card'),
  zh('登录可以开启两步验证吗', 'feature_question', 'two-factor'),

  // complaint
  en('The agent on the phone was extremely rude to me', 'complaint', 'complaint'),
  en('I want to file a complaint about your customer service', 'complaint', 'complaint'),
  en('Nobody has solved my problem in a week, this is unacceptable', 'complaint', 'complaint'),
  zh('电话里的客服对我态度非常恶劣', 'complaint', 'complaint'),
  zh('我要投诉你们的客服', 'complaint', 'complaint'),
  zh('一个星期了都没人解决我的问题，太不像话了', 'complaint', 'complaint'),

  // other
  en('What time does the hotline open?', 'other', 'contact-support'),
  en('How do I speak to a real person?', 'other', 'contact-support'),
  en('I want to close my wallet account for good', 'other', 'close-account'),
  zh('客服热线几点开始上班？', 'other', 'contact-support'),
  zh('怎么找真人客服？', 'other', 'contact-support'),
  zh('我想永久注销钱包账户', 'other', 'close-account'),
];

/**
 * Questions in other languages, for language detection only (no articles in those languages): the
 * help centre answers them in English, and the session records the language the customer wrote in.
 */
export const OTHER_LANGUAGE_QUESTIONS: Array<{ language: string; question: string }> = [
  { language: 'es', question: 'Mi pago fue rechazado en la tienda, ¿por qué?' },
  { language: 'es', question: 'No he recibido el reembolso del comerciante' },
  { language: 'fr', question: 'Mon compte est bloqué après plusieurs mots de passe erronés' },
  { language: 'fr', question: "Je n'ai pas reçu le code de vérification par SMS" },
  { language: 'de', question: 'Meine Zahlung ist fehlgeschlagen, aber das Geld wurde abgebucht' },
  { language: 'de', question: 'Wie kann ich meine Bankkarte entfernen?' },
  { language: 'pt', question: 'Não consigo pagar com a carteira no supermercado' },
  { language: 'id', question: 'Akun saya dicuri dan saldo saya hilang' },
  { language: 'ja', question: '支払いができません。どうすればいいですか？' },
  { language: 'ko', question: '결제가 실패했어요. 돈은 빠져나갔습니다' },
];
